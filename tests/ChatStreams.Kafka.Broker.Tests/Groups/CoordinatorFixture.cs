using ChatStreams.Kafka.Broker.Cluster;
using ChatStreams.Kafka.Broker.Groups;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Kafka.Broker.Tests.Groups;

/// <summary>A <see cref="GroupCoordinator"/> over a real topic catalog in a temp directory, on a manual clock.</summary>
public sealed class CoordinatorFixture : IDisposable
{
    public const int InitialDelayMs = 100;
    public const int SessionMs = 10_000;
    public const int RebalanceMs = 30_000;

    private readonly TempDirectory _directory = new("groups");

    public CoordinatorFixture()
    {
        Options = new BrokerOptions
        {
            DataDirectory = _directory.Path,
            GroupInitialRebalanceDelayMs = InitialDelayMs,
            GroupMinSessionTimeoutMs = 1000,
            GroupMaxSessionTimeoutMs = 60_000,
        };
        Open();
    }

    public ManualClock Clock { get; } = new();
    public BrokerOptions Options { get; }
    public TopicCatalog Catalog { get; private set; } = null!;
    public GroupCoordinator Coordinator { get; private set; } = null!;

    private void Open()
    {
        Catalog = new TopicCatalog(Options, Clock, NullLoggerFactory.Instance);
        Catalog.Load();
        Coordinator = new GroupCoordinator(Catalog, Options, Clock, NullLoggerFactory.Instance);
        Coordinator.Load();
    }

    /// <summary>Stops everything and opens the same data directory again (a broker restart).</summary>
    public void Reopen()
    {
        Coordinator.Dispose();
        Catalog.Dispose();
        Open();
    }

    public void CreateTopic(string name, int partitions)
    {
        var result = Catalog.Create(name, partitions, new Dictionary<string, string?>(), validateOnly: false);
        Assert.Equal(ErrorCode.None, result.Error);
    }

    public static IReadOnlyList<GroupProtocol> Protocols(params string[] names) =>
        names.Select(n => new GroupProtocol(n, System.Text.Encoding.UTF8.GetBytes($"meta-{n}"))).ToList();

    public Task<JoinResult> Join(string group, string memberId, string? instanceId = null, IReadOnlyList<GroupProtocol>? protocols = null,
        int sessionMs = SessionMs, int rebalanceMs = RebalanceMs, string clientId = "client", bool requireKnownMemberId = true) =>
        Coordinator.JoinAsync(new JoinRequest(group, memberId, instanceId, "consumer", protocols ?? Protocols("range"),
            sessionMs, rebalanceMs, clientId, "/127.0.0.1", requireKnownMemberId));

    /// <summary>The v4+ first join: asks for an id (MEMBER_ID_REQUIRED), then joins with it. Returns the pending join.</summary>
    public async Task<(string MemberId, Task<JoinResult> Joined)> JoinNew(string group, IReadOnlyList<GroupProtocol>? protocols = null,
        string clientId = "client", int sessionMs = SessionMs, int rebalanceMs = RebalanceMs)
    {
        var first = await Join(group, "", protocols: protocols, clientId: clientId, sessionMs: sessionMs, rebalanceMs: rebalanceMs);
        Assert.Equal(ErrorCode.MemberIdRequired, first.Error);
        return (first.MemberId, Join(group, first.MemberId, protocols: protocols, clientId: clientId, sessionMs: sessionMs, rebalanceMs: rebalanceMs));
    }

    public Task<SyncResult> Sync(string group, int generation, string memberId, Dictionary<string, byte[]>? assignments = null,
        string? instanceId = null) =>
        Coordinator.SyncAsync(new SyncRequest(group, generation, memberId, instanceId, assignments ?? new Dictionary<string, byte[]>()));

    /// <summary>Finishes a rebalance: waits for the joins, the leader assigns "assigned-&lt;member&gt;" to each, all sync.</summary>
    public async Task<Dictionary<string, JoinResult>> Settle(string group, params Task<JoinResult>[] joins)
    {
        var results = new Dictionary<string, JoinResult>();
        foreach (var join in joins)
        {
            var r = await join.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(ErrorCode.None, r.Error);
            results[r.MemberId] = r;
        }
        var leader = results.Values.Single(r => r.MemberId == r.LeaderId);
        var assignments = leader.Members.ToDictionary(m => m.MemberId, m => AssignmentOf(m.MemberId));
        var followerSyncs = results.Values.Where(r => r != leader).Select(r => Sync(group, r.GenerationId, r.MemberId)).ToList();
        var leaderSync = await Sync(group, leader.GenerationId, leader.MemberId, assignments);
        Assert.Equal(ErrorCode.None, leaderSync.Error);
        foreach (var s in followerSyncs) Assert.Equal(ErrorCode.None, (await s.WaitAsync(TimeSpan.FromSeconds(5))).Error);
        return results;
    }

    public static byte[] AssignmentOf(string memberId) => System.Text.Encoding.UTF8.GetBytes($"assigned-{memberId}");

    public void Dispose()
    {
        Coordinator.Dispose();
        Catalog.Dispose();
        _directory.Dispose();
    }
}
