using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.Presence;

/// <summary>Presence changes reach the live edges of the user's peers: direct conversations and small groups only.</summary>
[Collection(ChatRegistryCollection.Name)]
public sealed class PresenceFanOutTests(ChatRegistry registry)
{
    [Fact]
    public void The_peer_of_a_direct_conversation_gets_each_change_at_each_edge_where_it_is_connected()
    {
        using var s = new PresenceScenario(registry.Serdes);
        s.CreateDirect("d1", "alice", "bob");
        var bobPhone = s.Connect("bob", "phone", "edge-1");
        var bobLaptop = s.Connect("bob", "laptop", "edge-2");
        s.PresenceChanges();
        Assert.Empty(s.UnreadOutputs()); // alice is offline: bob's Online reached nobody

        var alice = s.Connect("alice", "phone", "edge-3");

        foreach (var edge in new[] { "edge-1", "edge-2" })
        {
            var delivery = Assert.Single(s.Deliveries(edge));
            Assert.Equal("bob", delivery.Key);
            Assert.Equal("bob", delivery.Value.UserId);
            Assert.Null(delivery.Value.DeviceId);
            Assert.Null(delivery.Value.ConversationId);
            Assert.Null(delivery.Value.Seq);
            var change = Assert.IsType<PresenceChange>(delivery.Value.Payload);
            Assert.Equal(("alice", PresenceStatus.Online, 1), (change.UserId, change.Status, change.DevicesOnline));
        }
        Assert.Empty(s.Deliveries("edge-3"));

        s.Disconnect(alice);
        s.Elapse(TimeSpan.FromSeconds(5), bobPhone, bobLaptop);

        Assert.Equal([("bob", "alice", PresenceStatus.Offline)], s.PresenceDelivered("edge-1"));
        Assert.Equal([("bob", "alice", PresenceStatus.Offline)], s.PresenceDelivered("edge-2"));
        Assert.Equal([PresenceStatus.Online, PresenceStatus.Offline], s.PresenceChanges().Select(c => c.Value.Status));
        Assert.Empty(s.UnreadOutputs());
    }

    [Fact]
    public void An_offline_peer_gets_nothing()
    {
        using var s = new PresenceScenario(registry.Serdes);
        s.CreateDirect("d1", "alice", "bob");
        var bob = s.Connect("bob");
        s.Disconnect(bob);
        s.Elapse(TimeSpan.FromSeconds(5));
        s.PresenceChanges();

        var alice = s.Connect("alice", edge: "edge-2");
        s.Disconnect(alice);
        s.Elapse(TimeSpan.FromSeconds(5));

        Assert.Equal(2, s.PresenceChanges().Count);
        Assert.Empty(s.UnreadOutputs());
    }

    [Fact]
    public void A_peer_whose_edge_crashed_gets_nothing_there_once_the_connection_is_silent()
    {
        using var s = new PresenceScenario(registry.Serdes);
        s.CreateDirect("d1", "alice", "bob");
        s.Connect("bob", "phone", "edge-1");
        var bobLaptop = s.Connect("bob", "laptop", "edge-2");
        s.Elapse(TimeSpan.FromSeconds(31), bobLaptop); // edge-1 died

        s.Connect("alice", edge: "edge-3");

        Assert.Empty(s.Deliveries("edge-1"));
        Assert.Equal([("bob", "alice", PresenceStatus.Online)], s.PresenceDelivered("edge-2"));
    }

    [Fact]
    public void A_peer_connection_silent_for_the_gap_gets_nothing_even_before_the_check_removed_it()
    {
        var options = PresenceScenario.DefaultOptions();
        options.Presence.CheckInterval = TimeSpan.FromMinutes(5); // the wall-clock check will not run in this test
        using var s = new PresenceScenario(registry.Serdes, options: options);
        s.CreateDirect("d1", "alice", "bob");
        s.Connect("bob", edge: "edge-1");

        s.Driver.AdvanceWallClockTime(TimeSpan.FromSeconds(30)); // bob's edge died at the start
        s.Connect("alice", edge: "edge-2");

        Assert.Empty(s.Deliveries("edge-1"));
    }

    [Fact]
    public void Members_of_a_group_larger_than_the_limit_get_nothing_and_a_small_group_links()
    {
        using var s = new PresenceScenario(registry.Serdes); // groups up to 3 members link
        s.CreateGroup("big", "alice", "bob", "carol", "dave");
        s.CreateGroup("small", "erin", "frank", "grace");
        s.Connect("bob", edge: "edge-1");
        s.Connect("carol", edge: "edge-1");
        s.Connect("dave", edge: "edge-1");
        s.Connect("frank", edge: "edge-2");
        s.Connect("grace", edge: "edge-2");
        s.Deliveries("edge-2");

        s.Connect("alice", edge: "edge-3");
        s.Connect("erin", edge: "edge-3");

        Assert.Empty(s.Deliveries("edge-1"));
        Assert.Equal([("frank", "erin", PresenceStatus.Online), ("grace", "erin", PresenceStatus.Online)],
            s.PresenceDelivered("edge-2").OrderBy(d => d.Recipient).ToList());
        Assert.Empty(s.Deliveries("edge-3")); // erin's client fetches its peers' presence when it connects
    }

    [Fact]
    public void A_new_peer_link_delivers_the_current_presence_once_to_each_side()
    {
        using var s = new PresenceScenario(registry.Serdes);
        s.Connect("alice", edge: "edge-1");
        s.Connect("bob", edge: "edge-2");
        var carol = s.Connect("carol", edge: "edge-3");
        s.Disconnect(carol);
        s.Elapse(TimeSpan.FromSeconds(5));
        s.PresenceChanges();

        s.CreateDirect("d1", "alice", "bob");

        Assert.Equal([("alice", "bob", PresenceStatus.Online)], s.PresenceDelivered("edge-1"));
        Assert.Equal([("bob", "alice", PresenceStatus.Online)], s.PresenceDelivered("edge-2"));

        s.CreateGroup("g1", "alice", "bob", "carol"); // alice-bob already linked: only the carol links are new

        Assert.Equal([("alice", "carol", PresenceStatus.Offline)], s.PresenceDelivered("edge-1"));
        Assert.Equal([("bob", "carol", PresenceStatus.Offline)], s.PresenceDelivered("edge-2"));
        Assert.Empty(s.Deliveries("edge-3")); // carol is offline
        s.SendMessage("g1", "alice");
        Assert.Empty(s.UnreadOutputs());
    }

    [Fact]
    public void A_user_whose_presence_was_never_published_is_not_announced_to_a_new_peer()
    {
        using var s = new PresenceScenario(registry.Serdes);
        s.Connect("alice");

        s.CreateDirect("d1", "alice", "bob"); // bob was never seen

        Assert.Empty(s.Deliveries("edge-1"));
    }

    [Fact]
    public void A_group_that_grows_past_the_limit_unlinks_and_one_that_shrinks_back_links_again()
    {
        using var s = new PresenceScenario(registry.Serdes);
        s.CreateGroup("g1", "alice", "bob", "carol");
        var bob = s.Connect("bob", edge: "edge-1");
        var alice = s.Connect("alice", edge: "edge-2");
        s.Deliveries("edge-1");
        s.Deliveries("edge-2");

        s.AddMember("g1", "dave"); // 4 members: no presence any more
        s.Disconnect(alice);
        s.Elapse(TimeSpan.FromSeconds(5), bob);
        Assert.Empty(s.Deliveries("edge-1"));

        s.RemoveMember("g1", "carol"); // 3 again: linked, and bob learns alice's current presence
        Assert.Equal([("bob", "alice", PresenceStatus.Offline)], s.PresenceDelivered("edge-1"));

        s.Connect("alice", edge: "edge-2");
        Assert.Equal([("bob", "alice", PresenceStatus.Online)], s.PresenceDelivered("edge-1"));
        Assert.Empty(s.Deliveries("edge-2")); // bob's presence reached alice at relink time only if she was connected
    }

    [Fact]
    public void Leaving_one_of_two_shared_conversations_keeps_the_link_and_leaving_both_ends_it()
    {
        using var s = new PresenceScenario(registry.Serdes);
        s.CreateDirect("d1", "alice", "bob");
        s.CreateGroup("g1", "alice", "bob", "carol");
        var bob = s.Connect("bob", edge: "edge-1");

        s.RemoveMember("g1", "alice");
        s.Connect("alice", "phone", "edge-2");
        Assert.Equal([("bob", "alice", PresenceStatus.Online)], s.PresenceDelivered("edge-1"));

        s.RemoveMember("d1", "alice");
        s.Connect("alice", "laptop", "edge-2");
        s.Elapse(TimeSpan.FromMinutes(1), bob); // alice's phone and laptop go silent: Offline, told to nobody
        Assert.Empty(s.Deliveries("edge-1"));
        Assert.Equal([PresenceStatus.Online, PresenceStatus.Online, PresenceStatus.Offline],
            s.PresenceChanges().Select(c => c.Value.Status));
    }

    [Fact]
    public void A_replayed_membership_event_changes_nothing()
    {
        using var s = new PresenceScenario(registry.Serdes);
        s.CreateDirect("d1", "alice", "bob");
        s.PipeEvent("d1", new ConversationCreated { Kind = ConversationKind.Direct, Members = ["alice", "bob"] }, seq: 1);
        s.CreateGroup("g1", "alice", "bob", "carol");
        s.AddMember("g1", "dave"); // seq 2: four members, unlinked
        s.RemoveMember("g1", "dave"); // seq 3: linked again
        s.PipeEvent("g1", new MemberAdded { MemberId = "dave" }, seq: 2); // an old event again: must not re-add dave

        var peers = s.Driver.GetKeyValueStore<string, int>(Topologies.Presence.PresenceTopology.PeersStore);
        Assert.Equal(2, peers.Get(StoreKeys.Of("alice", "bob")));
        Assert.Equal(2, peers.Get(StoreKeys.Of("bob", "alice")));
        Assert.Equal(1, peers.Get(StoreKeys.Of("carol", "alice")));
        Assert.False(peers.TryGet(StoreKeys.Of("dave", "alice"), out _));
    }
}
