namespace ChatStreams.Kafka.Broker;

/// <summary>
/// Network faults the broker injects into its own request handling, for fault campaigns against the clients
/// (configuration section "Broker:Faults"; all rates 0 = off, the default). Each rate is the chance, per request,
/// of one fault; they are the faults a client meets with a real cluster: a connection that breaks before the
/// request arrives, one that breaks after the broker acted on it but before the answer left (the client must
/// retry without doubling anything), and a slow answer.
/// </summary>
public sealed class RequestFaultOptions
{
    /// <summary>Chance that the connection is closed instead of reading the request: it has no effect.</summary>
    public double DropBeforeRate { get; set; }

    /// <summary>Chance that the request is carried out and the connection then closed instead of answering.</summary>
    public double DropAfterRate { get; set; }

    /// <summary>Chance that the answer is held back for <see cref="DelayMs"/> (which holds the connection's later answers too).</summary>
    public double DelayRate { get; set; }

    public int DelayMs { get; set; } = 200;

    /// <summary>Seed of the fault dice, so a campaign can be rerun; 0 picks one at random.</summary>
    public int Seed { get; set; }

    public bool Enabled => DropBeforeRate > 0 || DropAfterRate > 0 || DelayRate > 0;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var (name, rate) in new[] { (nameof(DropBeforeRate), DropBeforeRate), (nameof(DropAfterRate), DropAfterRate), (nameof(DelayRate), DelayRate) })
            if (rate is < 0 or > 1 || double.IsNaN(rate)) problems.Add($"Broker:Faults:{name} must be between 0 and 1 (it is {rate})");
        if (DelayMs is < 0 or > 60_000) problems.Add($"Broker:Faults:DelayMs must be between 0 and 60000 (it is {DelayMs})");
        return problems;
    }
}
