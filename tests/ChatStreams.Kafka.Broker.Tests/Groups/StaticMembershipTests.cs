using ChatStreams.Kafka.Broker.Groups;
using ChatStreams.Kafka.Broker.Protocol;

namespace ChatStreams.Kafka.Broker.Tests.Groups;

/// <summary>Static membership (KIP-345): group.instance.id survives restarts without rebalances; zombies are fenced.</summary>
public sealed class StaticMembershipTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private static async Task<(string A, string B, int Generation)> TwoStaticMembers(CoordinatorFixture f)
    {
        var joinA = f.Join("g", "", instanceId: "instance-a");
        var joinB = f.Join("g", "", instanceId: "instance-b");
        f.Clock.AdvanceMs(10 * CoordinatorFixture.InitialDelayMs);
        var results = await f.Settle("g", joinA, joinB);
        var a = results.Values.Single(r => r.MemberId.StartsWith("instance-a-", StringComparison.Ordinal));
        var b = results.Values.Single(r => r.MemberId.StartsWith("instance-b-", StringComparison.Ordinal));
        return (a.MemberId, b.MemberId, a.GenerationId);
    }

    [Fact]
    public async Task A_static_member_joins_without_the_member_id_round_trip()
    {
        using var f = new CoordinatorFixture();
        var join = f.Join("g", "", instanceId: "instance-a");
        f.Clock.AdvanceMs(CoordinatorFixture.InitialDelayMs);
        var result = await join.WaitAsync(Wait);
        Assert.Equal(ErrorCode.None, result.Error);
        Assert.StartsWith("instance-a-", result.MemberId);
        Assert.Equal("instance-a", Assert.Single(result.Members).GroupInstanceId);
    }

    [Fact]
    public async Task A_restarted_static_member_takes_its_place_back_without_a_rebalance_and_fences_its_old_id()
    {
        using var f = new CoordinatorFixture();
        var (a, b, gen) = await TwoStaticMembers(f);

        // instance-a restarts: it lost its member id and joins with an empty one.
        var rejoined = await f.Join("g", "", instanceId: "instance-a");
        Assert.Equal(ErrorCode.None, rejoined.Error);
        Assert.NotEqual(a, rejoined.MemberId);
        Assert.Equal(gen, rejoined.GenerationId);
        Assert.Equal(GroupState.Stable, f.Coordinator.Describe("g").State);
        Assert.Equal(ErrorCode.None, f.Coordinator.Heartbeat("g", b, "instance-b", gen));

        var sync = await f.Sync("g", gen, rejoined.MemberId, instanceId: "instance-a");
        Assert.Equal(CoordinatorFixture.AssignmentOf(a), sync.Assignment); // its old assignment, kept for it

        Assert.Equal(ErrorCode.FencedInstanceId, f.Coordinator.Heartbeat("g", a, "instance-a", gen));
        Assert.Equal(ErrorCode.FencedInstanceId, (await f.Sync("g", gen, a, instanceId: "instance-a")).Error);
        Assert.Equal(ErrorCode.FencedInstanceId, (await f.Join("g", a, instanceId: "instance-a")).Error);
        f.CreateTopic("t", 1);
        var commit = await f.Coordinator.CommitOffsetsAsync(
            new OffsetCommitRequest("g", gen, a, "instance-a", [new OffsetCommitEntry(new TopicPartition("t", 0), 5, -1, null)]), CancellationToken.None);
        Assert.Equal([ErrorCode.FencedInstanceId], commit);
    }

    [Fact]
    public async Task A_restarted_static_leader_is_not_told_to_lead_a_stable_group()
    {
        using var f = new CoordinatorFixture();
        var (a, _, gen) = await TwoStaticMembers(f);
        var leader = f.Coordinator.Describe("g").Members.First().MemberId; // whoever it is, restart that one
        var instance = leader == a ? "instance-a" : "instance-b";

        var rejoined = await f.Join("g", "", instanceId: instance);
        Assert.Equal(leader, rejoined.LeaderId); // the old id: the new one must not run an assignment nobody would get
        Assert.NotEqual(rejoined.MemberId, rejoined.LeaderId);
        Assert.Empty(rejoined.Members);
        Assert.Equal(gen, rejoined.GenerationId);
    }

    [Fact]
    public async Task A_zombie_waiting_in_JoinGroup_is_fenced_when_its_instance_id_rejoins()
    {
        using var f = new CoordinatorFixture();
        var (a, b, _) = await TwoStaticMembers(f);
        var zombieJoin = f.Join("g", a, instanceId: "instance-a", protocols: CoordinatorFixture.Protocols("range", "roundrobin"));
        Assert.False(zombieJoin.IsCompleted); // it changed its protocols: a rebalance waits for b

        var fresh = f.Join("g", "", instanceId: "instance-a");
        Assert.Equal(ErrorCode.FencedInstanceId, (await zombieJoin.WaitAsync(Wait)).Error);
        var results = await f.Settle("g", fresh, f.Join("g", b, instanceId: "instance-b"));
        Assert.Equal(2, results.Count);
    }

    [Fact]
    public async Task A_static_member_that_misses_a_rebalance_keeps_its_place_until_its_session_expires()
    {
        using var f = new CoordinatorFixture();
        const int rebalanceMs = 3000;
        var joinA = f.Join("g", "", instanceId: "instance-a", rebalanceMs: rebalanceMs);
        var joinB = f.Join("g", "", instanceId: "instance-b", rebalanceMs: rebalanceMs);
        f.Clock.AdvanceMs(10 * CoordinatorFixture.InitialDelayMs);
        var results = await f.Settle("g", joinA, joinB);
        var a = results.Keys.Single(k => k.StartsWith("instance-a-", StringComparison.Ordinal));
        var b = results.Keys.Single(k => k.StartsWith("instance-b-", StringComparison.Ordinal));

        var rejoinB = f.Join("g", b, instanceId: "instance-b", rebalanceMs: rebalanceMs, protocols: CoordinatorFixture.Protocols("range", "x"));
        f.Clock.AdvanceMs(rebalanceMs);
        var result = await rejoinB.WaitAsync(Wait);
        Assert.Equal(ErrorCode.None, result.Error);
        var members = f.Coordinator.Describe("g").Members.Select(m => m.MemberId).ToList();
        Assert.Contains(a, members); // a dynamic member would have been dropped here
    }
}
