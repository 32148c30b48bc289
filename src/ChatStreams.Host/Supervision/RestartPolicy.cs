namespace ChatStreams.Host.Supervision;

/// <summary>
/// How the supervisor restarts a child that exited (configuration section "Supervision"): after
/// <see cref="InitialDelay"/>, doubling per crash up to <see cref="MaxDelay"/>, back to the start once a child
/// stayed up <see cref="HealthyAfter"/>. The doubling keeps a child that crashes at once from spinning; a fault
/// campaign that kills children on purpose lowers <see cref="MaxDelay"/> so its kills do not stack up waits.
/// </summary>
public sealed class RestartPolicy
{
    public const string Section = "Supervision";

    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan HealthyAfter { get; set; } = TimeSpan.FromMinutes(1);

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (InitialDelay < TimeSpan.Zero) problems.Add("Supervision:InitialDelay must not be negative");
        if (MaxDelay < InitialDelay) problems.Add("Supervision:MaxDelay must be at least Supervision:InitialDelay");
        if (HealthyAfter <= TimeSpan.Zero) problems.Add("Supervision:HealthyAfter must be positive");
        return problems;
    }
}
