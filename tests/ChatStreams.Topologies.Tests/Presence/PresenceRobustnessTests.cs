using ChatStreams.Contracts;
using ChatStreams.Streams;
using ChatStreams.Streams.Serialization;
using ChatStreams.Topologies.Presence;
using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.Presence;

/// <summary>Bad input is skipped, the graph is wired as documented, and several partitions give the same outputs.</summary>
[Collection(ChatRegistryCollection.Name)]
public sealed class PresenceRobustnessTests(ChatRegistry registry)
{
    [Fact]
    public void The_topology_has_two_sub_topologies_and_the_notices_loop_stays_inside_the_user_keyed_one()
    {
        var topology = PresenceTopology.Build(registry.Serdes, PresenceScenario.DefaultOptions(), DriverTopics.For(1));

        var description = topology.Describe();

        Assert.Equal(2, description.SubtopologyCount);
        var text = description.ToString();
        var userKeyed = text[text.IndexOf("Sub-topology: 1", StringComparison.Ordinal)..];
        Assert.Contains($"Sink: {PresenceTopology.NoticesSink} (topic: <app>-{PresenceTopology.NoticesTopic})", userKeyed);
        Assert.Contains($"Source: {PresenceTopology.NoticesSource} (topics: [<app>-{PresenceTopology.NoticesTopic}])", userKeyed);
        Assert.Contains($"Sink: {PresenceTopology.DeliverySink} (topic: <chosen per record>)", userKeyed);
    }

    [Fact]
    public void Bad_session_events_are_skipped_without_throwing()
    {
        using var s = new PresenceScenario(registry.Serdes);
        var good = new Connection("alice", "phone", "edge-1", "c-1");

        s.PipeSession("alice", null); // a tombstone
        s.PipeSession("mallory", PresenceScenario.Session(good, SessionEventKind.Connect, s.Now)); // keyed by another user
        s.PipeSession("alice", PresenceScenario.Session(good with { EdgeId = "bad edge/!" }, SessionEventKind.Connect, s.Now));
        s.PipeSession("alice", PresenceScenario.Session(good with { ConnectionId = "" }, SessionEventKind.Connect, s.Now));
        s.PipeSession("alice", PresenceScenario.Session(good with { DeviceId = "" }, SessionEventKind.Connect, s.Now));
        s.PipeSession(good, SessionEventKind.Disconnect); // a disconnect of a connection never seen
        var bytes = s.Driver.CreateInputTopic(Topics.ChatSessions, Serdes.String, Serdes.ByteArray);
        bytes.PipeInput("alice", [0, 0, 0, 0, 99, 1, 2], s.Now.ToUnixTimeMilliseconds()); // not Avro of a known schema
        s.Elapse(TimeSpan.FromMinutes(1));

        Assert.Empty(s.PresenceChanges());
        Assert.Single(s.Driver.GetDeadLetters());

        s.PipeSession(good, SessionEventKind.Connect);
        Assert.Equal(PresenceStatus.Online, Assert.Single(s.PresenceChanges()).Value.Status);
    }

    [Fact]
    public void Bad_conversation_events_peer_links_and_notices_are_skipped_without_throwing()
    {
        using var s = new PresenceScenario(registry.Serdes);
        s.Connect("alice", edge: "edge-1");
        s.Connect("bob", edge: "edge-2");
        s.PresenceChanges();

        s.AddMember("unknown", "bob"); // membership of a conversation never created
        s.RemoveMember("unknown", "alice");
        // Keyed by another conversation than the event's.
        var events = s.Driver.CreateInputTopic(Topics.ChatEvents, Serdes.String, registry.Serdes.Event);
        events.PipeInput("c9", s.Event("c8", 1, new ConversationCreated { Kind = ConversationKind.Direct, Members = ["alice", "bob"] }), s.Now.ToUnixTimeMilliseconds());
        s.CreateGroup("g1", "alice", "", "alice\0bob"); // invalid member ids are left out
        s.PipeEvent("g1", new MessageSent { MessageId = "m", Body = "x" });
        s.PipeEvent("g1", new CommandRejected { Code = "not_member", Reason = "no" });

        var links = s.Driver.CreateInputTopic(Topology.InternalTopicName(PresenceTopology.PeerLinksTopic), Serdes.String, Serdes.Json<PeerLink>());
        links.PipeInput("alice", new PeerLink("alice", "bob", 5), s.Now.ToUnixTimeMilliseconds());
        links.PipeInput("alice", new PeerLink("bob", "alice", 1), s.Now.ToUnixTimeMilliseconds());
        links.PipeInput("alice", new PeerLink("alice", "alice", 1), s.Now.ToUnixTimeMilliseconds());
        links.PipeInput("alice", null!, s.Now.ToUnixTimeMilliseconds());
        links.PipeInput("alice", new PeerLink("alice", "carol", -1), s.Now.ToUnixTimeMilliseconds()); // an unlink without a link
        var linkBytes = s.Driver.CreateInputTopic(Topology.InternalTopicName(PresenceTopology.PeerLinksTopic), Serdes.String, Serdes.ByteArray);
        linkBytes.PipeInput("alice", "{not json"u8.ToArray(), s.Now.ToUnixTimeMilliseconds());

        var notices = s.Driver.CreateInputTopic(Topology.InternalTopicName(PresenceTopology.NoticesTopic), Serdes.String, registry.Serdes.Delivery);
        var receipt = new ReceiptUpdate { ConversationId = "d1", UserId = "bob", DeliveredSeq = 1, ReadSeq = 1, At = s.Now.UtcDateTime };
        notices.PipeInput("bob", new Delivery { UserId = "bob", CreatedAt = s.Now.UtcDateTime, Payload = receipt }, s.Now.ToUnixTimeMilliseconds());
        var aboutAlice = new PresenceChange { UserId = "alice", Status = PresenceStatus.Online, LastSeen = s.Now.UtcDateTime, DevicesOnline = 1 };
        notices.PipeInput("alice", new Delivery { UserId = "bob", CreatedAt = s.Now.UtcDateTime, Payload = aboutAlice }, s.Now.ToUnixTimeMilliseconds());

        Assert.Empty(s.UnreadOutputs());
        Assert.Single(s.Driver.GetDeadLetters());
        var peers = s.Driver.GetKeyValueStore<string, int>(PresenceTopology.PeersStore);
        Assert.Empty(peers.All());

        // Everything still works afterwards.
        s.CreateDirect("d1", "alice", "bob");
        Assert.Equal([("bob", "alice", PresenceStatus.Online)], s.PresenceDelivered("edge-2"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Several_partitions_give_the_same_changes_and_deliveries(int partitions)
    {
        using var s = new PresenceScenario(registry.Serdes, partitions);
        var users = Enumerable.Range(0, 8).Select(i => $"user-{i}").ToList();
        for (var i = 0; i < users.Count; i++) s.CreateDirect($"d{i}", users[i], users[(i + 1) % users.Count]);
        s.CreateGroup("g", users[0], users[4], users[6]);

        var connections = users.Select((u, i) => s.Connect(u, edge: $"edge-{i % 3}")).ToList();
        s.Disconnect(connections[0]);
        s.Elapse(TimeSpan.FromSeconds(10), connections.Skip(1).Take(6).ToArray()); // user-7's edge goes silent
        s.Elapse(TimeSpan.FromSeconds(30), connections.Skip(1).Take(6).ToArray());

        var changes = s.PresenceChanges();
        Assert.Equal(
            users.Select(u => (u, PresenceStatus.Online)).Concat([("user-0", PresenceStatus.Offline), ("user-7", PresenceStatus.Offline)]),
            changes.Select(c => (c.Value.UserId, c.Value.Status)));
        // Each change reached the peers (ring neighbours, and the small group 0-4-6) connected at the time, in order per
        // recipient (notices to different recipients may cross partitions in any order).
        Assert.Equal(
            ByRecipient([
                ("user-0", "user-1", PresenceStatus.Online), ("user-3", "user-4", PresenceStatus.Online), ("user-0", "user-4", PresenceStatus.Online),
                ("user-0", "user-6", PresenceStatus.Online), ("user-6", "user-7", PresenceStatus.Online), ("user-0", "user-7", PresenceStatus.Online),
                ("user-6", "user-0", PresenceStatus.Offline), ("user-6", "user-7", PresenceStatus.Offline),
            ]),
            ByRecipient(s.PresenceDelivered("edge-0")));
        Assert.Equal(
            ByRecipient([
                ("user-1", "user-2", PresenceStatus.Online), ("user-4", "user-5", PresenceStatus.Online), ("user-4", "user-6", PresenceStatus.Online),
                ("user-1", "user-0", PresenceStatus.Offline), ("user-7", "user-0", PresenceStatus.Offline), ("user-4", "user-0", PresenceStatus.Offline),
            ]),
            ByRecipient(s.PresenceDelivered("edge-1")));
        Assert.Equal([("user-2", "user-3", PresenceStatus.Online), ("user-5", "user-6", PresenceStatus.Online)], s.PresenceDelivered("edge-2"));
        if (partitions > 1) Assert.True(changes.Select(c => c.Partition).Distinct().Count() > 1, "users should spread over partitions");
    }

    /// <summary>Grouped by recipient, keeping the order of each recipient's deliveries.</summary>
    private static List<(string Recipient, string UserId, PresenceStatus Status)> ByRecipient(IEnumerable<(string Recipient, string UserId, PresenceStatus Status)> deliveries) =>
        deliveries.OrderBy(d => d.Recipient, StringComparer.Ordinal).ToList();
}
