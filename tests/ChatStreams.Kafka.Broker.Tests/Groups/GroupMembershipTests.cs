using ChatStreams.Kafka.Broker.Groups;
using ChatStreams.Kafka.Broker.Protocol;

namespace ChatStreams.Kafka.Broker.Tests.Groups;

/// <summary>The classic rebalance protocol: join, sync, heartbeat, leave and session expiry, on a manual clock.</summary>
public sealed class GroupMembershipTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_new_member_gets_an_id_first_then_leads_the_first_generation_after_the_initial_delay()
    {
        using var f = new CoordinatorFixture();
        var first = await f.Join("g", "", clientId: "app");
        Assert.Equal(ErrorCode.MemberIdRequired, first.Error);
        Assert.StartsWith("app-", first.MemberId);
        Assert.Equal(GroupState.Empty, f.Coordinator.Describe("g").State); // an id handed out is not a member yet

        var joined = f.Join("g", first.MemberId, clientId: "app");
        f.Clock.AdvanceMs(CoordinatorFixture.InitialDelayMs - 1);
        Assert.False(joined.IsCompleted, "the first rebalance waits group.initial.rebalance.delay.ms for more members");
        f.Clock.AdvanceMs(1);
        var result = await joined.WaitAsync(Wait);

        Assert.Equal(ErrorCode.None, result.Error);
        Assert.Equal(1, result.GenerationId);
        Assert.Equal("range", result.ProtocolName);
        Assert.Equal(first.MemberId, result.LeaderId);
        var member = Assert.Single(result.Members);
        Assert.Equal("meta-range"u8.ToArray(), member.Metadata);
        Assert.Equal(GroupState.CompletingRebalance, f.Coordinator.Describe("g").State);
    }

    [Fact]
    public async Task The_leader_gets_every_members_metadata_and_followers_wait_in_SyncGroup_for_its_assignments()
    {
        using var f = new CoordinatorFixture();
        var (a, joinA) = await f.JoinNew("g");
        f.Clock.AdvanceMs(CoordinatorFixture.InitialDelayMs / 2);
        var (b, joinB) = await f.JoinNew("g");
        f.Clock.AdvanceMs(CoordinatorFixture.InitialDelayMs); // past the first delay: b's arrival extended it once
        Assert.False(joinA.IsCompleted);
        f.Clock.AdvanceMs(CoordinatorFixture.InitialDelayMs / 2);
        var ra = await joinA.WaitAsync(Wait);
        var rb = await joinB.WaitAsync(Wait);

        Assert.Equal(a, ra.LeaderId);
        Assert.Equal(a, rb.LeaderId);
        Assert.Equal(ra.GenerationId, rb.GenerationId);
        Assert.Equal(new[] { a, b }.Order(), ra.Members.Select(m => m.MemberId).Order());
        Assert.Empty(rb.Members);

        var syncB = f.Sync("g", rb.GenerationId, b);
        Assert.False(syncB.IsCompleted, "a follower waits for the leader's assignments");
        var syncA = await f.Sync("g", ra.GenerationId, a, new() { [a] = "x"u8.ToArray(), [b] = "y"u8.ToArray() });

        Assert.Equal("x"u8.ToArray(), syncA.Assignment);
        Assert.Equal("y"u8.ToArray(), (await syncB.WaitAsync(Wait)).Assignment);
        var described = f.Coordinator.Describe("g");
        Assert.Equal(GroupState.Stable, described.State);
        Assert.Equal("range", described.ProtocolData);
        Assert.Equal("y"u8.ToArray(), described.Members.Single(m => m.MemberId == b).Assignment);
    }

    [Fact]
    public async Task The_protocol_is_the_one_most_members_prefer_among_those_all_support()
    {
        using var f = new CoordinatorFixture();
        var (_, a) = await f.JoinNew("g", CoordinatorFixture.Protocols("range", "roundrobin", "sticky"));
        var (_, b) = await f.JoinNew("g", CoordinatorFixture.Protocols("roundrobin", "range"));
        var (_, c) = await f.JoinNew("g", CoordinatorFixture.Protocols("roundrobin", "range"));
        f.Clock.AdvanceMs(10 * CoordinatorFixture.InitialDelayMs);
        Assert.All(await Task.WhenAll(a, b, c), r => Assert.Equal("roundrobin", r.ProtocolName));
    }

    [Fact]
    public async Task A_tie_between_protocols_goes_to_the_leaders_preference()
    {
        using var f = new CoordinatorFixture();
        var (_, a) = await f.JoinNew("g", CoordinatorFixture.Protocols("cooperative-sticky", "range"));
        var (_, b) = await f.JoinNew("g", CoordinatorFixture.Protocols("range", "cooperative-sticky"));
        f.Clock.AdvanceMs(10 * CoordinatorFixture.InitialDelayMs);
        Assert.All(await Task.WhenAll(a, b), r => Assert.Equal("cooperative-sticky", r.ProtocolName));
    }

    [Fact]
    public async Task A_member_without_a_protocol_in_common_with_the_group_is_refused()
    {
        using var f = new CoordinatorFixture();
        var (_, a) = await f.JoinNew("g", CoordinatorFixture.Protocols("range"));
        f.Clock.AdvanceMs(CoordinatorFixture.InitialDelayMs);
        await f.Settle("g", a);

        var other = await f.Join("g", "", protocols: CoordinatorFixture.Protocols("sticky"));
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, other.Error);
        var otherType = await f.Coordinator.JoinAsync(new JoinRequest("g", "", null, "connect", CoordinatorFixture.Protocols("range"),
            CoordinatorFixture.SessionMs, CoordinatorFixture.RebalanceMs, "c", "", true));
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, otherType.Error);
        Assert.Equal(GroupState.Stable, f.Coordinator.Describe("g").State);
    }

    [Fact]
    public async Task A_member_joining_a_stable_group_starts_a_rebalance_that_ends_when_everyone_rejoined()
    {
        using var f = new CoordinatorFixture();
        var (a, joinA) = await f.JoinNew("g");
        f.Clock.AdvanceMs(CoordinatorFixture.InitialDelayMs);
        var gen1 = (await f.Settle("g", joinA))[a].GenerationId;
        Assert.Equal(ErrorCode.None, f.Coordinator.Heartbeat("g", a, null, gen1));

        var (b, joinB) = await f.JoinNew("g");
        Assert.Equal(ErrorCode.RebalanceInProgress, f.Coordinator.Heartbeat("g", a, null, gen1));
        Assert.False(joinB.IsCompleted);
        var rejoinA = f.Join("g", a);

        // No timer needed: the last known member rejoining completes the join phase.
        var results = await f.Settle("g", rejoinA, joinB);
        Assert.All(results.Values, r => Assert.Equal(gen1 + 1, r.GenerationId));
        Assert.Equal(a, results[b].LeaderId);
        Assert.Equal(ErrorCode.None, f.Coordinator.Heartbeat("g", b, null, gen1 + 1));
    }

    [Fact]
    public async Task Heartbeats_report_the_member_generation_and_rebalance_state()
    {
        using var f = new CoordinatorFixture();
        var (a, joinA) = await f.JoinNew("g");
        f.Clock.AdvanceMs(CoordinatorFixture.InitialDelayMs);
        var gen = (await f.Settle("g", joinA))[a].GenerationId;

        Assert.Equal(ErrorCode.None, f.Coordinator.Heartbeat("g", a, null, gen));
        Assert.Equal(ErrorCode.IllegalGeneration, f.Coordinator.Heartbeat("g", a, null, gen - 1));
        Assert.Equal(ErrorCode.UnknownMemberId, f.Coordinator.Heartbeat("g", "nobody", null, gen));
        Assert.Equal(ErrorCode.UnknownMemberId, f.Coordinator.Heartbeat("no-such-group", a, null, gen));
        Assert.Equal(ErrorCode.InvalidGroupId, f.Coordinator.Heartbeat("", a, null, gen));
    }

    [Fact]
    public async Task SyncGroup_refuses_other_generations_and_a_started_rebalance_releases_waiting_followers()
    {
        using var f = new CoordinatorFixture();
        var (a, joinA) = await f.JoinNew("g");
        var (b, joinB) = await f.JoinNew("g");
        f.Clock.AdvanceMs(10 * CoordinatorFixture.InitialDelayMs);
        var gen = (await joinA.WaitAsync(Wait)).GenerationId;
        await joinB.WaitAsync(Wait);

        Assert.Equal(ErrorCode.IllegalGeneration, (await f.Sync("g", gen + 5, a)).Error);
        Assert.Equal(ErrorCode.UnknownMemberId, (await f.Sync("g", gen, "nobody")).Error);
        var waitingB = f.Sync("g", gen, b);
        Assert.False(waitingB.IsCompleted);

        var (_, joinC) = await f.JoinNew("g"); // before the leader assigned: this generation is void
        Assert.Equal(ErrorCode.RebalanceInProgress, (await waitingB.WaitAsync(Wait)).Error);
        Assert.Equal(ErrorCode.RebalanceInProgress, (await f.Sync("g", gen, a, new() { [a] = [1] })).Error);
        Assert.False(joinC.IsCompleted);
    }

    [Fact]
    public async Task A_member_without_heartbeats_for_its_session_timeout_is_evicted_and_the_group_rebalances()
    {
        using var f = new CoordinatorFixture();
        var (a, joinA) = await f.JoinNew("g");
        var (b, joinB) = await f.JoinNew("g");
        f.Clock.AdvanceMs(10 * CoordinatorFixture.InitialDelayMs);
        var gen = (await f.Settle("g", joinA, joinB))[a].GenerationId;

        f.Clock.AdvanceMs(CoordinatorFixture.SessionMs / 2);
        Assert.Equal(ErrorCode.None, f.Coordinator.Heartbeat("g", a, null, gen));
        f.Clock.AdvanceMs(CoordinatorFixture.SessionMs / 2 + 1); // b has been silent for a whole session timeout

        var described = f.Coordinator.Describe("g");
        Assert.Equal(GroupState.PreparingRebalance, described.State);
        Assert.Equal([a], described.Members.Select(m => m.MemberId).ToArray());
        Assert.Equal(ErrorCode.UnknownMemberId, f.Coordinator.Heartbeat("g", b, null, gen));
        Assert.Equal(ErrorCode.RebalanceInProgress, f.Coordinator.Heartbeat("g", a, null, gen));

        var alone = await f.Settle("g", f.Join("g", a));
        Assert.Equal(gen + 1, alone[a].GenerationId);
        Assert.Single(alone[a].Members);
    }

    [Fact]
    public async Task A_member_that_keeps_heartbeating_but_never_rejoins_is_dropped_at_the_rebalance_timeout()
    {
        using var f = new CoordinatorFixture();
        const int rebalanceMs = 8000; // shorter than the session: the rebalance timeout, not expiry, must drop b
        var (a, joinA) = await f.JoinNew("g", rebalanceMs: rebalanceMs);
        var (b, joinB) = await f.JoinNew("g", rebalanceMs: rebalanceMs);
        f.Clock.AdvanceMs(10 * CoordinatorFixture.InitialDelayMs);
        var gen = (await f.Settle("g", joinA, joinB))[a].GenerationId;

        var rejoinA = f.Join("g", a, rebalanceMs: rebalanceMs); // the leader rejoins: a rebalance starts
        for (var i = 0; i < 2; i++)
        {
            f.Clock.AdvanceMs(3000);
            Assert.Equal(ErrorCode.RebalanceInProgress, f.Coordinator.Heartbeat("g", b, null, gen));
            Assert.False(rejoinA.IsCompleted);
        }
        f.Clock.AdvanceMs(rebalanceMs - 6000);

        var result = await rejoinA.WaitAsync(Wait);
        Assert.Equal(gen + 1, result.GenerationId);
        Assert.Equal([a], result.Members.Select(m => m.MemberId).ToArray());
        Assert.Equal(ErrorCode.UnknownMemberId, f.Coordinator.Heartbeat("g", b, null, gen));
    }

    [Fact]
    public async Task A_leaving_member_triggers_a_rebalance_among_the_others()
    {
        using var f = new CoordinatorFixture();
        var (a, joinA) = await f.JoinNew("g");
        var (b, joinB) = await f.JoinNew("g");
        f.Clock.AdvanceMs(10 * CoordinatorFixture.InitialDelayMs);
        var gen = (await f.Settle("g", joinA, joinB))[a].GenerationId;

        Assert.Equal(ErrorCode.None, f.Coordinator.Leave("g", a)); // the leader leaves
        Assert.Equal(ErrorCode.UnknownMemberId, f.Coordinator.Leave("g", a));
        Assert.Equal(ErrorCode.RebalanceInProgress, f.Coordinator.Heartbeat("g", b, null, gen));
        var alone = await f.Settle("g", f.Join("g", b));
        Assert.Equal(b, alone[b].LeaderId);
        Assert.Equal(gen + 1, alone[b].GenerationId);

        Assert.Equal(ErrorCode.None, f.Coordinator.Leave("g", b));
        Assert.Equal(GroupState.Empty, f.Coordinator.Describe("g").State);
    }

    [Fact]
    public async Task A_group_whose_last_member_leaves_during_a_rebalance_becomes_empty()
    {
        using var f = new CoordinatorFixture();
        var (a, joinA) = await f.JoinNew("g");
        Assert.Equal(ErrorCode.None, f.Coordinator.Leave("g", a));
        Assert.Equal(ErrorCode.UnknownMemberId, (await joinA.WaitAsync(Wait)).Error);
        f.Clock.AdvanceMs(CoordinatorFixture.InitialDelayMs);
        var described = f.Coordinator.Describe("g");
        Assert.Equal(GroupState.Empty, described.State);
        Assert.Empty(described.Members);
    }

    [Fact]
    public async Task Session_timeouts_outside_the_brokers_bounds_and_empty_group_ids_are_refused()
    {
        using var f = new CoordinatorFixture();
        Assert.Equal(ErrorCode.InvalidSessionTimeout, (await f.Join("g", "", sessionMs: 999)).Error);
        Assert.Equal(ErrorCode.InvalidSessionTimeout, (await f.Join("g", "", sessionMs: 60_001)).Error);
        Assert.Equal(ErrorCode.InvalidGroupId, (await f.Join("", "")).Error);
        Assert.Equal(GroupState.Dead, f.Coordinator.Describe("g").State);
    }

    [Fact]
    public async Task An_id_handed_out_but_never_used_holds_a_rebalance_only_until_its_session_timeout()
    {
        using var f = new CoordinatorFixture();
        var (a, joinA) = await f.JoinNew("g");
        f.Clock.AdvanceMs(CoordinatorFixture.InitialDelayMs);
        var gen = (await f.Settle("g", joinA))[a].GenerationId;

        var ghost = await f.Join("g", ""); // gets an id, then the client dies
        Assert.Equal(ErrorCode.MemberIdRequired, ghost.Error);
        var rejoinA = f.Join("g", a);
        f.Clock.AdvanceMs(CoordinatorFixture.SessionMs - 1);
        Assert.False(rejoinA.IsCompleted, "the join phase waits for a member that was handed an id");
        f.Clock.AdvanceMs(1);
        Assert.Equal(gen + 1, (await rejoinA.WaitAsync(Wait)).GenerationId);
        Assert.Equal(ErrorCode.UnknownMemberId, (await f.Join("g", ghost.MemberId)).Error);
    }

    [Fact]
    public async Task Old_clients_without_the_member_id_round_trip_join_directly()
    {
        using var f = new CoordinatorFixture();
        var join = f.Join("g", "", requireKnownMemberId: false, clientId: "legacy");
        f.Clock.AdvanceMs(CoordinatorFixture.InitialDelayMs);
        var result = await join.WaitAsync(Wait);
        Assert.Equal(ErrorCode.None, result.Error);
        Assert.StartsWith("legacy-", result.MemberId);
        Assert.Equal(1, result.GenerationId);
    }
}
