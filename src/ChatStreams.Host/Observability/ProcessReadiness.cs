namespace ChatStreams.Host.Observability;

/// <summary>What /readyz answers for a process: why it is not ready yet (set at start), until its work runs.</summary>
public sealed class ProcessReadiness(string startingReason)
{
    private volatile string? _notReady = startingReason;

    public string? NotReadyReason => _notReady;

    public void MarkReady() => _notReady = null;
}
