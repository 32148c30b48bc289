using ChatStreams.Bench.Topologies;

namespace ChatStreams.Bench.Tests;

public class TopologiesMeasurementTests
{
    /// <summary>1,000 ticks a second: one tick is one millisecond, so expected values read as ms.</summary>
    private const long TicksPerSecond = 1000;

    /// <summary>A message sent at <paramref name="sent"/>, acked, sequenced and delivered at the given ticks.</summary>
    private static CommandTimeline Timeline(long sent, long acked, long evented, params long[] delivered)
    {
        var timeline = new CommandTimeline(delivered.Length);
        timeline.MarkSent(sent);
        timeline.MarkAcked(acked);
        timeline.MarkEvent(evented);
        foreach (var at in delivered) timeline.AddDelivery(at);
        return timeline;
    }

    [Fact]
    public void Every_delivery_is_a_sample_split_into_the_stages_of_its_message()
    {
        // Message 1: ack after 10, event 100 later, deliveries 200 and 300 after the event.
        // Message 2: ack after 20, event 120 later, one delivery 240 after the event.
        var breakdown = LatencyBreakdown.Of([Timeline(0, 10, 110, 310, 410), Timeline(1000, 1020, 1140, 1380)], TicksPerSecond);

        Assert.Equal(2, breakdown.Messages);
        Assert.Equal(3, breakdown.Samples);
        // Produce → ack samples 10, 10, 20; nearest rank: p50 is the 2nd, p95 and p99 the 3rd.
        Assert.Equal(new StageLatency(10, 20, 20), breakdown.ProduceToAck);
        Assert.Equal(new StageLatency(100, 120, 120), breakdown.Conversation);
        Assert.Equal(new StageLatency(240, 300, 300), breakdown.FanOut);
        // Ack → delivery: 300, 400, 360; end to end: 310, 410, 380.
        Assert.Equal(new StageLatency(360, 400, 400), breakdown.Topologies);
        Assert.Equal(new StageLatency(380, 410, 410), breakdown.EndToEnd);
        Assert.Equal(360.0 / 380, breakdown.TopologiesShare, 6);
        Assert.Equal(100.0 / 380, breakdown.ConversationShare, 6);
    }

    [Fact]
    public void A_message_not_seen_everywhere_is_refused_rather_than_measured_short()
    {
        var missingDelivery = new CommandTimeline(2);
        missingDelivery.MarkSent(0);
        missingDelivery.MarkAcked(5);
        missingDelivery.MarkEvent(50);
        missingDelivery.AddDelivery(90);

        var problem = Assert.Throws<ArgumentException>(() => LatencyBreakdown.Of([missingDelivery], TicksPerSecond));
        Assert.Contains("1 of 2 deliveries", problem.Message);
        Assert.Throws<ArgumentException>(() => ThroughputRun.Of([missingDelivery], TicksPerSecond));
        Assert.Throws<ArgumentException>(() => LatencyBreakdown.Of([], TicksPerSecond));
    }

    [Fact]
    public void Throughput_runs_from_the_first_send_to_the_last_delivery()
    {
        // Deliveries of the first message arrive after those of the second: the last one seen ends the run.
        var run = ThroughputRun.Of([Timeline(500, 510, 600, 2_500, 4_500), Timeline(700, 710, 800, 2_000, 2_100)], TicksPerSecond);

        Assert.Equal(2, run.Messages);
        Assert.Equal(4, run.Deliveries);
        Assert.Equal(4.0, run.Seconds);
        Assert.Equal(0.5, run.MessagesPerSecond);
        Assert.Equal(1.0, run.DeliveriesPerSecond);
    }

    [Fact]
    public void A_timeline_counts_duplicates_beyond_its_members_and_keeps_the_first_event_sighting()
    {
        var timeline = new CommandTimeline(2);
        timeline.MarkSent(1);
        timeline.MarkAcked(2);
        timeline.MarkEvent(30);
        timeline.MarkEvent(40);
        timeline.AddDelivery(50);
        Assert.False(timeline.Complete);
        timeline.AddDelivery(60);
        timeline.AddDelivery(70);

        Assert.True(timeline.Complete);
        Assert.Equal(30, timeline.EventAt);
        Assert.Equal(2, timeline.Delivered);
        Assert.Equal(1, timeline.Surplus);
        Assert.Equal([50, 60], timeline.DeliveredAt.ToArray());
    }

    [Fact]
    public void The_ledger_routes_sightings_by_command_id_and_counts_what_it_never_sent()
    {
        var ledger = new CommandLedger();
        var sent = ledger.Expect("cmd-1", 1);

        ledger.EventSeen("cmd-1", 10);
        ledger.DeliverySeen("cmd-1", 20);
        ledger.DeliverySeen("cmd-unknown", 30);
        ledger.EventSeen("cmd-other", 40);
        ledger.Rejected("cmd-2", "not_member", "you are not a member");

        Assert.Equal(10, sent.EventAt);
        Assert.Equal(1, sent.Delivered);
        Assert.Equal(2, ledger.Strays);
        Assert.Equal("cmd-2: not_member you are not a member", Assert.Single(ledger.Rejections));
        Assert.Throws<ArgumentException>(() => ledger.Expect("cmd-1", 1));
    }

    [Fact]
    public void Commit_stats_give_the_rate_and_nearest_rank_percentiles()
    {
        var stats = CommitStats.Of([40, 10, 30, 20], seconds: 2);

        Assert.Equal(new CommitStats(4, 2, 20, 40), stats);
        Assert.Equal(CommitStats.None, CommitStats.Of([], seconds: 2));
    }

    [Fact]
    public void Members_alternate_between_the_two_edges_and_every_one_is_a_distinct_user()
    {
        var conversations = BenchConversations.Create("g3", size: 3, count: 2);

        Assert.Equal(["g3-c0", "g3-c1"], conversations.Select(c => c.ConversationId));
        var members = conversations.SelectMany(c => c.Members).ToList();
        Assert.Equal(6, members.Select(m => m.UserId).Distinct().Count());
        Assert.Equal(["edge-1", "edge-2", "edge-1", "edge-2", "edge-1", "edge-2"], members.Select(m => m.EdgeId));
        // A group of odd size still spans both edges, and the next one starts on the other edge.
        Assert.Equal(["edge-2", "edge-1", "edge-2"], conversations[1].Members.Select(m => m.EdgeId));
        Assert.All(members, m => Assert.StartsWith(m.UserId, m.DeviceId));
    }
}
