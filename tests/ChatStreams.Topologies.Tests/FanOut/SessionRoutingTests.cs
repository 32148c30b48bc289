using ChatStreams.Topologies.FanOut;
using ChatStreams.Topologies.Sessions;
using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;
using static ChatStreams.Topologies.Tests.FanOut.ChatEventsFor;

namespace ChatStreams.Topologies.Tests.FanOut;

/// <summary>Where a user's deliveries go: one copy per edge with a live connection, or a push notification.</summary>
[Collection(ChatRegistryCollection.Name)]
public sealed class SessionRoutingTests(ChatRegistry registry)
{
    [Fact]
    public void A_user_connected_at_two_edges_gets_one_copy_per_edge()
    {
        using var rig = new FanOutRig(registry.Serdes);
        rig.Connect("bob", "bob-phone", "edge-1");
        rig.Connect("bob", "bob-tablet", "edge-1");
        rig.Connect("bob", "bob-laptop", "edge-2");
        rig.Pipe(Direct("d", "alice", "bob"), Message("d", 2, "alice"));

        var toBob = rig.ReadDeliveries().Where(d => d.Key == "bob" && d.Delivery.Seq == 2).ToList();
        Assert.Equal(["edge-1", "edge-2"], toBob.Select(d => d.Edge).Order().ToList());
        Assert.All(toBob, d => Assert.Null(d.Delivery.DeviceId));
        Assert.DoesNotContain(rig.Notifications.ReadValuesToList(), n => n.UserId == "bob");
    }

    [Fact]
    public void A_device_that_moved_edges_gets_it_at_both_until_the_old_connection_ends_and_a_late_disconnect_does_not_drop_the_new_one()
    {
        using var rig = new FanOutRig(registry.Serdes);
        rig.Pipe(Direct("d", "alice", "bob"));
        var old = rig.Connect("bob", "bob-phone", "edge-1");
        var moved = rig.Connect("bob", "bob-phone", "edge-2");

        rig.Pipe(Message("d", 2, "alice"));
        Assert.Equal(["edge-1", "edge-2"], Edges(rig.ReadDeliveries(), "bob", 2));

        // The old edge reports the old connection's end only now; the device stays reachable at edge-2.
        rig.Disconnect("bob", "bob-phone", "edge-1", old);
        rig.Pipe(Message("d", 3, "alice"));
        Assert.Equal(["edge-2"], Edges(rig.ReadDeliveries(), "bob", 3));

        // A repeated late disconnect of the old connection changes nothing either.
        rig.Disconnect("bob", "bob-phone", "edge-1", old);
        rig.Pipe(Message("d", 4, "alice"));
        Assert.Equal(["edge-2"], Edges(rig.ReadDeliveries(), "bob", 4));
        Assert.True(rig.Notifications.IsEmpty);

        var table = rig.Driver.GetKeyValueStore<string, UserConnections>(FanOutTopology.SessionsStore).Get("bob")!;
        Assert.Equal([moved], table.Connections.Select(c => c.ConnectionId).ToList());
    }

    [Fact]
    public void A_connection_silent_past_the_inactivity_gap_is_not_routed_to_and_the_user_gets_a_notification()
    {
        using var rig = new FanOutRig(registry.Serdes);
        rig.Pipe(Created("g", "alice", ["alice", "bob"], title: "Ops"));
        rig.Connect("bob", "bob-phone", "edge-1"); // edge-1 will crash: no disconnect, no heartbeat
        var alices = rig.Connect("alice", "alice-phone", "edge-2");
        rig.ReadDeliveries();

        rig.Driver.AdvanceWallClockTime(TimeSpan.FromSeconds(20));
        rig.Heartbeat("alice", "alice-phone", "edge-2", alices);
        rig.Driver.AdvanceWallClockTime(TimeSpan.FromSeconds(15)); // bob: 35 s silent > 30 s gap; alice: 15 s
        rig.Pipe(Message("g", 2, "alice", "deploy is done"));

        Assert.Equal([("edge-2", "alice")], rig.ReadDeliveries().Select(d => (d.Edge, d.Key)).ToList());
        var notification = Assert.Single(rig.Notifications.ReadKeyValuesToList());
        Assert.Equal("bob", notification.Key);
        Assert.Equal("bob", notification.Value.UserId);
        Assert.Equal("g", notification.Value.ConversationId);
        Assert.Equal(2, notification.Value.Seq);
        Assert.Equal("alice", notification.Value.SenderId);
        Assert.Equal("deploy is done", notification.Value.Preview);
        Assert.Equal("Ops", notification.Value.ConversationTitle);
        Assert.Equal(rig.Now, notification.Value.CreatedAt);

        // The purge punctuation drops bob's dead connection (and bob) from the table once it was silent long enough.
        rig.Driver.AdvanceWallClockTime(rig.Options.FanOut.SessionPurgeAfter + rig.Options.FanOut.SessionPurgeInterval);
        var sessions = rig.Driver.GetKeyValueStore<string, UserConnections>(FanOutTopology.SessionsStore);
        Assert.False(sessions.TryGet("bob", out _));
    }

    [Fact]
    public void The_purge_keeps_connections_that_heartbeat_and_removes_users_left_with_none()
    {
        var options = new TopologyOptions { SessionInactivityGap = TimeSpan.FromSeconds(30) };
        options.FanOut.SessionPurgeInterval = TimeSpan.FromSeconds(10);
        options.FanOut.SessionPurgeAfter = TimeSpan.FromSeconds(30);
        using var rig = new FanOutRig(registry.Serdes, options: options);
        var alive = rig.Connect("alice", "alice-phone", "edge-1");
        rig.Connect("alice", "alice-laptop", "edge-2");
        rig.Connect("carol", "carol-phone", "edge-2");
        for (var i = 0; i < 4; i++)
        {
            rig.Driver.AdvanceWallClockTime(TimeSpan.FromSeconds(10));
            rig.Heartbeat("alice", "alice-phone", "edge-1", alive);
        }

        var sessions = rig.Driver.GetKeyValueStore<string, UserConnections>(FanOutTopology.SessionsStore);
        Assert.Equal(["alice-phone"], sessions.Get("alice")!.Connections.Select(c => c.DeviceId).ToList());
        Assert.False(sessions.TryGet("carol", out _));
    }

    [Fact]
    public void Offline_members_get_a_notification_only_for_messages_from_others_and_direct_conversations_have_no_title()
    {
        using var rig = new FanOutRig(registry.Serdes);
        rig.Pipe(
            Direct("d", "alice", "bob"),
            Message("d", 2, "alice", "hi bob"),
            Edited("d", 3, "alice", 2),
            Reaction("d", 4, "alice", 2));
        rig.Pipe(Receipt("d", "alice", 2, 2, "bob"));

        var notification = Assert.Single(rig.Notifications.ReadValuesToList());
        Assert.Equal(("bob", 2L, "alice", "hi bob"), (notification.UserId, notification.Seq, notification.SenderId, notification.Preview));
        Assert.Null(notification.ConversationTitle);
        Assert.Empty(rig.ReadDeliveries());
    }

    [Fact]
    public void Bad_session_events_are_skipped_without_failing_the_task()
    {
        using var rig = new FanOutRig(registry.Serdes);
        rig.Session("bob", "bob-phone", "bad edge/id", "conn-x", SessionEventKind.Connect);
        rig.Session("bob", "bob-phone", "edge-1", "", SessionEventKind.Connect);
        rig.Pipe(Direct("d", "alice", "bob"), Message("d", 2, "alice"));

        Assert.Empty(rig.ReadDeliveries());
        Assert.Equal(["bob"], rig.Notifications.ReadValuesToList().Select(n => n.UserId).ToList());
    }

    [Fact]
    public void The_topology_has_two_sub_topologies_split_at_the_repartition_by_user()
    {
        var topology = FanOutTopology.Build(registry.Serdes, new TopologyOptions(), new Contracts.TopicSettings());
        var description = topology.Describe();
        Assert.Equal(2, description.SubtopologyCount);
        Assert.Contains($"<app>-{FanOutTopology.DeliveriesByUserTopic}", description.ToString());
    }

    private static List<string> Edges(IEnumerable<RoutedDelivery> deliveries, string user, long seq) =>
        deliveries.Where(d => d.Key == user && d.Delivery.Seq == seq).Select(d => d.Edge).Order().ToList();
}
