using ChatStreams.Topologies.FanOut;
using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;
using static ChatStreams.Topologies.Tests.FanOut.ChatEventsFor;

namespace ChatStreams.Topologies.Tests.FanOut;

/// <summary>Who receives which conversation event: membership folded from the events, applied at each event's position.</summary>
[Collection(ChatRegistryCollection.Name)]
public sealed class MembershipFanOutTests(ChatRegistry registry)
{
    [Fact]
    public void A_group_message_reaches_every_members_devices_at_their_edges_exactly_once()
    {
        using var rig = new FanOutRig(registry.Serdes);
        rig.Connect("alice", "alice-phone", "edge-1");
        rig.Connect("bob", "bob-phone", "edge-2");
        rig.Connect("carol", "carol-phone", "edge-1");
        rig.Connect("carol", "carol-laptop", "edge-1");
        rig.Pipe(Created("g", "alice", ["alice", "bob", "carol"], title: "Team"));
        rig.ReadDeliveries();

        rig.Pipe(Message("g", 2, "alice", "hello team"));

        var deliveries = rig.ReadDeliveries();
        Assert.Equal(
            [("edge-1", "alice", "g", 2L), ("edge-1", "carol", "g", 2L), ("edge-2", "bob", "g", 2L)],
            deliveries.Select(d => d.Address).Order().Select(a => (a.Edge, a.User, a.Conversation!, a.Seq!.Value)).ToList());
        Assert.All(deliveries, d =>
        {
            Assert.Null(d.Delivery.DeviceId); // every device of the user at that edge
            Assert.Equal(d.Key, d.Delivery.UserId);
            Assert.Equal("hello team", Assert.IsType<MessageSent>(d.Event!.Payload).Body);
            Assert.Equal(rig.Now, d.Delivery.CreatedAt);
        });
        Assert.True(rig.Notifications.IsEmpty);
    }

    [Fact]
    public void The_senders_own_devices_get_the_message_and_an_offline_sender_gets_no_notification()
    {
        using var rig = new FanOutRig(registry.Serdes);
        rig.Connect("alice", "alice-phone", "edge-1");
        rig.Connect("alice", "alice-laptop", "edge-2");
        rig.Pipe(Direct("d", "alice", "bob"), Message("d", 2, "alice"));

        var toAlice = rig.ReadDeliveries().Where(d => d.Key == "alice" && d.Delivery.Seq == 2).Select(d => d.Edge).Order().ToList();
        Assert.Equal(["edge-1", "edge-2"], toAlice);
        // Bob is offline: a notification for him, none for the sender.
        Assert.Equal(["bob"], rig.Notifications.ReadValuesToList().Select(n => n.UserId).ToList());

        rig.Pipe(Message("d", 3, "bob"));
        Assert.Equal(["edge-1", "edge-2"], rig.ReadDeliveries().Where(d => d.Key == "alice").Select(d => d.Edge).Order().ToList());
        Assert.True(rig.Notifications.IsEmpty); // bob is offline but is the sender
    }

    [Fact]
    public void A_member_removed_between_two_messages_gets_the_removal_and_not_the_second_message()
    {
        using var rig = new FanOutRig(registry.Serdes);
        foreach (var user in new[] { "alice", "bob", "carol" }) rig.Connect(user, user + "-phone", "edge-1");
        rig.Pipe(
            Created("g", "alice", ["alice", "bob", "carol"]),
            Message("g", 2, "bob"),
            Removed("g", 3, "alice", "carol"),
            Message("g", 4, "bob"));

        var seqs = FanOutRig.SeqsByUser(rig.ReadDeliveries(), "edge-1");
        Assert.Equal([1L, 2, 3, 4], seqs["alice"]);
        Assert.Equal([1L, 2, 3, 4], seqs["bob"]);
        Assert.Equal([1L, 2, 3], seqs["carol"]);
        Assert.Equal(2, rig.Driver.GetKeyValueStore<string, FanOutConversation>(FanOutTopology.ConversationsStore).Get("g")!.MemberCount);
    }

    [Fact]
    public void A_member_added_gets_the_events_from_their_MemberAdded_on()
    {
        using var rig = new FanOutRig(registry.Serdes);
        foreach (var user in new[] { "alice", "bob", "dave" }) rig.Connect(user, user + "-phone", "edge-1");
        rig.Pipe(
            Created("g", "alice", ["alice", "bob"]),
            Message("g", 2, "bob"),
            Added("g", 3, "alice", "dave"),
            Message("g", 4, "bob"),
            Edited("g", 5, "bob", 4));

        var seqs = FanOutRig.SeqsByUser(rig.ReadDeliveries(), "edge-1");
        Assert.Equal([1L, 2, 3, 4, 5], seqs["alice"]);
        Assert.Equal([3L, 4, 5], seqs["dave"]);
        var member = rig.Driver.GetKeyValueStore<string, FanOutMember>(FanOutTopology.MembersStore).Get(StoreKeys.Of("g", "dave"));
        Assert.Equal(new FanOutMember(MemberRole.Member, 3), member);
    }

    [Fact]
    public void Edits_deletes_and_reactions_go_to_every_current_member()
    {
        using var rig = new FanOutRig(registry.Serdes);
        foreach (var user in new[] { "alice", "bob" }) rig.Connect(user, user + "-phone", "edge-1");
        rig.Pipe(
            Created("g", "alice", ["alice", "bob"]),
            Message("g", 2, "bob"),
            Edited("g", 3, "bob", 2),
            Reaction("g", 4, "alice", 2),
            Event("g", 5, "bob", new MessageDeleted { TargetSeq = 2 }));

        var deliveries = rig.ReadDeliveries();
        foreach (var user in new[] { "alice", "bob" })
            Assert.Equal(
                [nameof(ConversationCreated), nameof(MessageSent), nameof(MessageEdited), nameof(ReactionChanged), nameof(MessageDeleted)],
                deliveries.Where(d => d.Key == user).Select(d => d.Event!.Payload.GetType().Name).ToList());
    }

    [Fact]
    public void A_replayed_duplicate_event_is_dropped()
    {
        using var rig = new FanOutRig(registry.Serdes);
        foreach (var user in new[] { "alice", "bob" }) rig.Connect(user, user + "-phone", "edge-1");
        var message = Message("g", 2, "alice");
        rig.Pipe(Created("g", "alice", ["alice", "bob"]), message, Message("g", 3, "bob"));
        rig.ReadDeliveries();

        rig.Pipe(message, Created("g", "alice", ["alice", "bob"]), Message("g", 3, "bob"));
        rig.Pipe(Message("g", 4, "bob"));

        Assert.Equal([("alice", 4L), ("bob", 4L)], rig.ReadDeliveries().Select(d => (d.Key, d.Delivery.Seq!.Value)).Order().ToList());
    }

    [Fact]
    public void A_gap_is_delivered_and_events_of_unknown_conversations_are_dropped()
    {
        using var rig = new FanOutRig(registry.Serdes);
        rig.Connect("alice", "alice-phone", "edge-1");
        rig.Pipe(Message("nowhere", 7, "alice"), Added("nowhere", 8, "alice", "alice"));
        Assert.Empty(rig.ReadDeliveries());

        rig.Pipe(Created("g", "alice", ["alice", "bob"]), Message("g", 5, "alice"), Message("g", 6, "alice"));
        Assert.Equal([1L, 5, 6], FanOutRig.SeqsByUser(rig.ReadDeliveries(), "edge-1")["alice"]);
        Assert.Equal(6, rig.Driver.GetKeyValueStore<string, FanOutConversation>(FanOutTopology.ConversationsStore).Get("g")!.LastSeq);
    }

    [Fact]
    public void Unusable_member_ids_never_enter_the_table_and_nothing_throws()
    {
        using var rig = new FanOutRig(registry.Serdes);
        rig.Connect("alice", "alice-phone", "edge-1");
        rig.Pipe(
            Created("g", "alice", ["alice", "", "evil\0id", "alice"]),
            Added("g", 2, "alice", ""),
            Removed("g", 3, "alice", "never-a-member"),
            Message("g", 4, "alice"));

        // The AddMember of an empty id is skipped (its seq still counts); the removal of a non-member reaches the members.
        Assert.Equal([1L, 3, 4], FanOutRig.SeqsByUser(rig.ReadDeliveries(), "edge-1")["alice"]);
        var conversation = rig.Driver.GetKeyValueStore<string, FanOutConversation>(FanOutTopology.ConversationsStore).Get("g")!;
        Assert.Equal(1, conversation.MemberCount);
        Assert.Equal(4, conversation.LastSeq);
    }
}
