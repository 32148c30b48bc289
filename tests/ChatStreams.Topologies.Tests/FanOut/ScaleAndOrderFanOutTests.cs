using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;
using static ChatStreams.Topologies.Tests.FanOut.ChatEventsFor;

namespace ChatStreams.Topologies.Tests.FanOut;

/// <summary>Large groups, per-user order across interleaved conversations, and the same result on several partitions.</summary>
[Collection(ChatRegistryCollection.Name)]
public sealed class ScaleAndOrderFanOutTests(ChatRegistry registry)
{
    private static readonly string[] Edges = ["edge-0", "edge-1", "edge-2", "edge-3"];

    [Fact]
    public void In_a_thousand_member_group_every_connected_member_gets_each_message_once_and_the_others_a_notification()
    {
        // Four partitions: events, members and recipients live in different tasks, as in production.
        using var rig = new FanOutRig(registry.Serdes, partitions: 4);
        var members = Enumerable.Range(0, 1000).Select(i => $"user-{i:D4}").ToList();
        var connected = members.Where((_, i) => i % 2 == 0).ToHashSet();
        foreach (var (user, i) in members.Select((u, i) => (u, i)).Where(x => connected.Contains(x.u)))
            rig.Connect(user, user + "-phone", Edges[i % Edges.Length]);
        const string sender = "user-0000";
        rig.Pipe(Created("big", sender, members, title: "Everyone"));
        rig.ReadDeliveries();

        rig.Pipe(Message("big", 2, sender, "all hands at 10"), Message("big", 3, "user-0001", "ok"));

        var deliveries = rig.ReadDeliveries();
        Assert.Equal(2 * connected.Count, deliveries.Count);
        Assert.Equal(deliveries.Count, deliveries.Select(d => d.Address).Distinct().Count());
        foreach (var group in deliveries.GroupBy(d => d.Key))
        {
            Assert.Contains(group.Key, connected);
            var index = members.IndexOf(group.Key);
            Assert.All(group, d => Assert.Equal(Edges[index % Edges.Length], d.Edge));
            Assert.Equal([2L, 3], group.Select(d => d.Delivery.Seq!.Value).ToList());
        }
        Assert.Equal(connected.Count, deliveries.Select(d => d.Key).Distinct().Count());

        var notifications = rig.Notifications.ReadValuesToList();
        var offline = members.Where(m => !connected.Contains(m)).ToList();
        // Seq 2 notifies every offline member; seq 3 was sent by the offline user-0001, who is not notified of it.
        Assert.Equal(offline.Count * 2 - 1, notifications.Count);
        Assert.DoesNotContain(notifications, n => n.UserId == sender);
        Assert.DoesNotContain(notifications, n => n.UserId == "user-0001" && n.Seq == 3);
        Assert.All(notifications, n => Assert.Contains(n.UserId, offline));
        Assert.Equal(notifications.Count, notifications.Select(n => (n.UserId, n.Seq)).Distinct().Count());
        Assert.All(notifications, n => Assert.Equal("Everyone", n.ConversationTitle));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Each_user_gets_each_conversation_in_seq_order_when_conversations_interleave(int partitions)
    {
        using var rig = new FanOutRig(registry.Serdes, partitions);
        string[] users = ["alice", "bob", "carol", "dave"];
        foreach (var (user, i) in users.Select((u, i) => (u, i))) rig.Connect(user, user + "-phone", Edges[i % 2]);
        string[] conversations = ["c-a", "c-b", "c-c", "c-d", "c-e"];
        foreach (var c in conversations) rig.Pipe(Created(c, "alice", users));
        const int messages = 20;
        for (var seq = 2; seq <= messages + 1; seq++)
            foreach (var c in seq % 2 == 0 ? conversations : conversations.Reverse())
                rig.Pipe(Message(c, seq, users[seq % users.Length]));

        var deliveries = rig.ReadDeliveries();
        foreach (var user in users)
            foreach (var c in conversations)
                Assert.Equal(Enumerable.Range(1, messages + 1).Select(s => (long)s),
                    deliveries.Where(d => d.Key == user && d.Delivery.ConversationId == c).Select(d => d.Delivery.Seq!.Value));
    }

    [Fact]
    public void Four_partitions_give_the_same_deliveries_and_notifications_as_one()
    {
        var one = RunMixedScenario(1);
        var four = RunMixedScenario(4);
        Assert.NotEmpty(one.Deliveries);
        Assert.NotEmpty(one.Notifications);
        Assert.Equal(one.Deliveries, four.Deliveries);
        Assert.Equal(one.Notifications, four.Notifications);
    }

    private (List<string> Deliveries, List<string> Notifications) RunMixedScenario(int partitions)
    {
        using var rig = new FanOutRig(registry.Serdes, partitions);
        string[] users = ["alice", "bob", "carol", "dave", "erin", "frank"];
        rig.Connect("alice", "alice-phone", "edge-0");
        rig.Connect("alice", "alice-laptop", "edge-1");
        rig.Connect("bob", "bob-phone", "edge-1");
        var carol = rig.Connect("carol", "carol-phone", "edge-2");
        rig.Connect("dave", "dave-phone", "edge-3");
        rig.Pipe(Created("g1", "alice", users[..4], title: "One"), Created("g2", "bob", users, title: "Two"), Direct("d1", "erin", "alice"));
        rig.Pipe(Message("g1", 2, "alice"), Message("g2", 2, "erin"), Message("d1", 2, "erin"));
        rig.Pipe(Added("g1", 3, "alice", "frank"), Removed("g2", 3, "bob", "dave"));
        rig.Disconnect("carol", "carol-phone", "edge-2", carol);
        rig.Pipe(Message("g1", 4, "bob"), Message("g2", 4, "frank"), Reaction("d1", 3, "alice", 2));
        rig.Pipe(Receipt("g1", "bob", 4, 4, "alice"));
        rig.Pipe(Receipt("g2", "erin", 4, 2, "dave", "frank"));
        rig.Pipe(Rejected("g2", 4, "dave", "dave-phone", "edge-3"), Deduplicated("g1", 4, "bob", "bob-phone", "edge-1", 4));

        var deliveries = rig.ReadDeliveries()
            .Select(d => $"{d.Edge}|{d.Key}|{d.Delivery.DeviceId}|{d.Delivery.ConversationId}|{d.Delivery.Seq}|{Describe(d.Delivery.Payload)}")
            .Order(StringComparer.Ordinal).ToList();
        var notifications = rig.Notifications.ReadValuesToList()
            .Select(n => $"{n.UserId}|{n.ConversationId}|{n.Seq}|{n.SenderId}|{n.Preview}|{n.ConversationTitle}")
            .Order(StringComparer.Ordinal).ToList();
        return (deliveries, notifications);
    }

    private static string Describe(object payload) => payload switch
    {
        ChatEvent e => $"{e.Payload.GetType().Name}@{e.Seq}",
        ReceiptUpdate r => $"receipt {r.UserId} {r.ReadSeq}",
        CommandOutcome o => $"{o.Status} {o.Seq}",
        _ => payload.GetType().Name,
    };
}
