using System.Collections.Concurrent;
using ChatStreams.Kafka.Broker.Cluster;
using ChatStreams.Kafka.Broker.Protocol;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Kafka.Broker.Groups;

/// <summary>
/// The classic group coordinator of this node: group membership and rebalances (one <see cref="ClassicGroup"/>
/// per group, each with its own lock), and the group's committed offsets, kept durably in <c>__consumer_offsets</c>.
/// Membership lives in memory only (members rejoin after a restart); offsets are replayed from the log by
/// <see cref="Load"/>.
/// </summary>
public sealed partial class GroupCoordinator : IDisposable
{
    private readonly BrokerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, ClassicGroup> _groups = new(StringComparer.Ordinal);
    private readonly OffsetTable _offsets = new();
    private readonly OffsetLog _log;

    public GroupCoordinator(TopicCatalog catalog, BrokerOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        _options = options;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<GroupCoordinator>();
        _log = new OffsetLog(catalog, _logger);
    }

    /// <summary>
    /// Set by the transaction coordinator: checks that the transactional id is at this producer id/epoch and that
    /// AddOffsetsToTxn added the group to its open transaction. Called before any TxnOffsetCommit is written.
    /// </summary>
    public Func<string, long, short, string, ErrorCode>? TransactionValidator { get; set; }

    /// <summary>Rebuilds committed and pending transactional offsets from <c>__consumer_offsets</c>.</summary>
    public void Load()
    {
        var (records, markers) = _log.Replay(_offsets);
        _logger.LogInformation("loaded consumer offsets: {Records} offset records, {Markers} transaction markers, {Groups} groups",
            records, markers, _offsets.Groups.Count);
    }

    public Task<JoinResult> JoinAsync(JoinRequest request)
    {
        if (string.IsNullOrEmpty(request.GroupId)) return Task.FromResult(JoinResult.Failed(ErrorCode.InvalidGroupId, request.MemberId));
        if (request.SessionTimeoutMs < _options.GroupMinSessionTimeoutMs || request.SessionTimeoutMs > _options.GroupMaxSessionTimeoutMs)
        {
            _logger.LogInformation("group {Group}: refused session.timeout.ms={Timeout} from {Client}; the broker allows {Min}-{Max} ms",
                request.GroupId, request.SessionTimeoutMs, request.ClientId, _options.GroupMinSessionTimeoutMs, _options.GroupMaxSessionTimeoutMs);
            return Task.FromResult(JoinResult.Failed(ErrorCode.InvalidSessionTimeout, request.MemberId));
        }
        var group = _groups.GetOrAdd(request.GroupId, id => new ClassicGroup(id, _time, _options.GroupInitialRebalanceDelayMs,
            _loggers.CreateLogger("ChatStreams.Kafka.Broker.Groups.ClassicGroup")));
        return group.Join(request);
    }

    public Task<SyncResult> SyncAsync(SyncRequest request)
    {
        if (string.IsNullOrEmpty(request.GroupId)) return Task.FromResult(SyncResult.Failed(ErrorCode.InvalidGroupId));
        return _groups.TryGetValue(request.GroupId, out var group)
            ? group.Sync(request)
            : Task.FromResult(SyncResult.Failed(ErrorCode.UnknownMemberId));
    }

    public ErrorCode Heartbeat(string groupId, string memberId, string? groupInstanceId, int generationId)
    {
        if (string.IsNullOrEmpty(groupId)) return ErrorCode.InvalidGroupId;
        return _groups.TryGetValue(groupId, out var group)
            ? group.Heartbeat(memberId, groupInstanceId, generationId)
            : ErrorCode.UnknownMemberId;
    }

    public ErrorCode Leave(string groupId, string memberId)
    {
        if (string.IsNullOrEmpty(groupId)) return ErrorCode.InvalidGroupId;
        return _groups.TryGetValue(groupId, out var group) ? group.Leave(memberId) : ErrorCode.UnknownMemberId;
    }

    /// <summary>DescribeGroups: an unknown group is reported as Dead without error, as Kafka does.</summary>
    public GroupDescription Describe(string groupId)
    {
        if (string.IsNullOrEmpty(groupId)) return new GroupDescription(ErrorCode.InvalidGroupId, groupId ?? "", GroupState.Dead, "", "", []);
        if (_groups.TryGetValue(groupId, out var group)) return group.Describe();
        var state = _offsets.Groups.Contains(groupId) ? GroupState.Empty : GroupState.Dead;
        return new GroupDescription(ErrorCode.None, groupId, state, "", "", []);
    }

    /// <summary>ListGroups: groups with members or committed offsets (a group of assign() users has only offsets).</summary>
    public IReadOnlyList<GroupListing> List()
    {
        var listings = _groups.Values.Select(g => g.Listing()).Where(l => l.State != GroupState.Dead).ToList();
        foreach (var id in _offsets.Groups)
            if (!_groups.ContainsKey(id)) listings.Add(new GroupListing(id, "", GroupState.Empty));
        return listings.OrderBy(l => l.GroupId, StringComparer.Ordinal).ToList();
    }

    public void Dispose()
    {
        foreach (var group in _groups.Values) group.Dispose();
    }
}
