namespace ChatStreams.Kafka.Broker.Groups;

/// <summary>
/// One member of a classic group. Guarded by its group's lock. A member blocked in JoinGroup or SyncGroup
/// holds the pending response here; it is completed (never awaited) under the lock, so continuations run
/// asynchronously and no thread waits for a rebalance.
/// </summary>
internal sealed class GroupMember(string memberId, string? groupInstanceId)
{
    /// <summary>Changes only when a static member rejoins and replaces its old id.</summary>
    public string MemberId { get; set; } = memberId;

    public string? GroupInstanceId { get; } = groupInstanceId;
    public bool IsStatic => GroupInstanceId is not null;
    public string ClientId { get; set; } = "";
    public string ClientHost { get; set; } = "";
    public int SessionTimeoutMs { get; set; }
    public int RebalanceTimeoutMs { get; set; }
    public IReadOnlyList<GroupProtocol> Protocols { get; set; } = [];
    public byte[] Assignment { get; set; } = [];

    /// <summary>When the member is considered dead without a heartbeat (Unix ms).</summary>
    public long SessionDeadlineMs { get; set; }

    public TaskCompletionSource<JoinResult>? PendingJoin { get; private set; }
    public TaskCompletionSource<SyncResult>? PendingSync { get; private set; }

    /// <summary>A member blocked in a JoinGroup or SyncGroup call is alive: it is waiting for us, not gone.</summary>
    public bool IsWaiting => PendingJoin is not null || PendingSync is not null;

    public void Update(JoinRequest request)
    {
        ClientId = request.ClientId;
        ClientHost = request.ClientHost;
        SessionTimeoutMs = request.SessionTimeoutMs;
        RebalanceTimeoutMs = request.RebalanceTimeoutMs;
        Protocols = request.Protocols;
    }

    public void KeepAlive(long nowMs) => SessionDeadlineMs = nowMs + SessionTimeoutMs;

    public bool Supports(string protocol) => Protocols.Any(p => p.Name == protocol);

    public byte[] MetadataFor(string protocol) => Protocols.FirstOrDefault(p => p.Name == protocol)?.Metadata ?? [];

    /// <summary>Same protocols, in the same order, with the same metadata: rejoining changes nothing.</summary>
    public bool Matches(IReadOnlyList<GroupProtocol> protocols) =>
        protocols.Count == Protocols.Count &&
        protocols.Zip(Protocols).All(pair => pair.First.Name == pair.Second.Name && pair.First.Metadata.AsSpan().SequenceEqual(pair.Second.Metadata));

    /// <summary>Starts waiting for the join phase to end; a still-pending older join of this member is superseded.</summary>
    public Task<JoinResult> AwaitJoin(Protocol.ErrorCode supersededError)
    {
        PendingJoin?.TrySetResult(JoinResult.Failed(supersededError, MemberId));
        PendingJoin = new TaskCompletionSource<JoinResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        return PendingJoin.Task;
    }

    public Task<SyncResult> AwaitSync(Protocol.ErrorCode supersededError)
    {
        PendingSync?.TrySetResult(SyncResult.Failed(supersededError));
        PendingSync = new TaskCompletionSource<SyncResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        return PendingSync.Task;
    }

    public void CompleteJoin(JoinResult result)
    {
        var pending = PendingJoin;
        PendingJoin = null;
        pending?.TrySetResult(result);
    }

    public void CompleteSync(SyncResult result)
    {
        var pending = PendingSync;
        PendingSync = null;
        pending?.TrySetResult(result);
    }
}
