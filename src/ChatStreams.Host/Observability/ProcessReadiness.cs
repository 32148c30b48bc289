namespace ChatStreams.Host.Observability;

/// <summary>
/// What /readyz answers for a process: why it is not ready yet (set at start) until its work runs, and then whatever
/// its work reports as stopping it (a sink whose store refuses writes), so readiness follows the process's health
/// rather than only its start.
/// </summary>
public sealed class ProcessReadiness(string startingReason)
{
    private volatile string? _notReady = startingReason;
    private volatile Func<string?>? _ongoing;

    public string? NotReadyReason => _notReady ?? _ongoing?.Invoke();

    /// <param name="ongoing">Asked on every /readyz: null while the work goes well, otherwise why it does not.</param>
    public void MarkReady(Func<string?>? ongoing = null)
    {
        _ongoing = ongoing;
        _notReady = null;
    }
}
