using ChatStreams.Contracts;
using ChatStreams.Kafka.Generations;
using ChatStreams.Streams;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.Testing;
using ChatStreams.Topologies.Conversation;
using ChatStreams.Topologies.FanOut;
using ChatStreams.Topologies.Presence;
using ChatStreams.Topologies.Tests.Conversation.Support;
using ChatStreams.Topologies.Tests.FanOut;
using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;
using static ChatStreams.Topologies.Tests.FanOut.ChatEventsFor;

namespace ChatStreams.Topologies.Tests.Generations;

/// <summary>
/// The topologies per generation of a partition rescale (docs/operations.md): the conversation topology writes the
/// generation of chat.events/chat.receipts its record names; a later generation of the fan-out and of presence is their
/// conversation-keyed sub-topology alone, feeding generation 1's user-keyed topics; readers skip cutover markers.
/// </summary>
[Collection(ChatRegistryCollection.Name)]
public sealed class GenerationTopologyTests(ChatRegistry registry)
{
    private static readonly DateTimeOffset Start = FanOutRig.Start;

    [Fact]
    public void The_conversation_topology_writes_the_output_generation_it_is_given()
    {
        using var driver = new TopologyTestDriver(ConversationTopology.Build(registry.Serdes, new TopologyOptions(), generation: 2, outputGeneration: 2),
            new StreamsConfig { ApplicationId = TopicGenerations.ApplicationId(ConversationTopology.ApplicationId, 2) }, Start);
        var commands = driver.CreateInputTopic(TopicGenerations.TopicName(Topics.ChatCommands, 2), Serdes.String, registry.Serdes.Command);
        var alice = new ChatUser("alice");
        commands.PipeInput("g", alice.CreateGroup("g", ["alice", "bob"]), Start.ToUnixTimeMilliseconds());
        commands.PipeInput("g", alice.Send("g", "hi"), Start.ToUnixTimeMilliseconds() + 1);
        commands.PipeInput("g", alice.Read("g", 2), Start.ToUnixTimeMilliseconds() + 2);

        var events = driver.CreateOutputTopic("chat.events.g2", Serdes.String, registry.Serdes.Event).ReadValuesToList();
        Assert.Equal([1L, 2L], events.Select(e => e.Seq));
        Assert.NotEmpty(driver.CreateOutputTopic("chat.receipts.g2", Serdes.String, registry.Serdes.Receipt).ReadValuesToList());
        Assert.True(driver.CreateOutputTopic(Topics.ChatEvents, Serdes.String, registry.Serdes.Event).IsEmpty);
        Assert.True(driver.CreateOutputTopic(Topics.ChatReceipts, Serdes.String, registry.Serdes.Receipt).IsEmpty);
    }

    [Fact]
    public void A_later_fan_out_generation_reads_its_events_and_feeds_the_first_generations_deliveries_by_user()
    {
        var topology = FanOutTopology.Build(registry.Serdes, new TopologyOptions(), DriverTopics.For(1), generation: 2);
        using var driver = new TopologyTestDriver(topology,
            new StreamsConfig { ApplicationId = TopicGenerations.ApplicationId(FanOutTopology.ApplicationId, 2) }, Start);
        var events = driver.CreateInputTopic("chat.events.g2", Serdes.String, registry.Serdes.Event);
        var receipts = driver.CreateInputTopic("chat.receipts.g2", Serdes.String, registry.Serdes.Receipt);
        events.PipeInput("g", Created("g", "alice", ["alice", "bob", "carol"]), Start.ToUnixTimeMilliseconds());
        events.PipeInput("g", Message("g", 2, "alice"), Start.ToUnixTimeMilliseconds() + 1);
        receipts.PipeInput("g", new ReceiptUpdate { ConversationId = "g", UserId = "bob", DeliveredSeq = 2, ReadSeq = 2, At = Start.UtcDateTime },
            Start.ToUnixTimeMilliseconds() + 2);

        var byUser = driver.CreateOutputTopic("chatstreams-fanout-deliveries-by-user", Serdes.String, Serdes.ByteArray).ReadKeyValuesToList();
        Assert.Equal("chatstreams-fanout-deliveries-by-user", FanOutTopology.DeliveriesByUserTopicName);
        // Creation and message to each of the three members, then the receipt to the members who are not its reader.
        Assert.Equal(["alice", "bob", "carol"], byUser.Take(6).Select(kv => kv.Key).Distinct().Order());
        Assert.True(byUser.Count >= 6);
        Assert.True(driver.CreateOutputTopic("chatstreams-fanout.g2-deliveries-by-user", Serdes.String, Serdes.ByteArray).IsEmpty);
        // No user-keyed part: sessions are not read, nothing is routed to an edge by this generation.
        Assert.DoesNotContain(driver.ProducedTopicNames, t => t.StartsWith(Topics.DeliveryPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public void The_first_fan_out_generation_skips_cutover_markers_and_keeps_delivering()
    {
        using var rig = new FanOutRig(registry.Serdes);
        rig.Connect("alice", "alice-phone", "edge-1");
        rig.Connect("bob", "bob-phone", "edge-2");
        rig.Pipe(Direct("d", "alice", "bob"), Message("d", 2, "alice"));
        rig.Events.PipeInput(null!, null!, CutoverMarker.Create("chat.events.g2").Headers);
        rig.Receipts.PipeInput(null!, null!, CutoverMarker.Create("chat.receipts.g2").Headers);
        rig.Pipe(Message("d", 3, "bob"));

        var seqs = rig.ReadDeliveries().Where(d => d.Key == "bob" && d.Event is not null).Select(d => d.Event!.Seq).ToList();
        Assert.Equal([1L, 2L, 3L], seqs);
    }

    [Fact]
    public void A_later_presence_generation_links_peers_into_the_first_generations_peer_links()
    {
        var topology = PresenceTopology.Build(registry.Serdes, new TopologyOptions(), DriverTopics.For(1), generation: 2);
        using var driver = new TopologyTestDriver(topology,
            new StreamsConfig { ApplicationId = TopicGenerations.ApplicationId(PresenceTopology.ApplicationId, 2) }, Start);
        var events = driver.CreateInputTopic("chat.events.g2", Serdes.String, registry.Serdes.Event);
        events.PipeInput(null!, null!, CutoverMarker.Create("chat.events.g3").Headers);
        events.PipeInput("d", Direct("d", "alice", "bob"), Start.ToUnixTimeMilliseconds());

        var links = driver.CreateOutputTopic(PresenceTopology.PeerLinksTopicName, Serdes.String, Serdes.ByteArray).ReadKeyValuesToList();
        Assert.Equal(["alice", "bob"], links.Select(kv => kv.Key).Order());
        Assert.DoesNotContain(driver.ProducedTopicNames, t => t == Topics.ChatPresence || t.StartsWith(Topics.DeliveryPrefix, StringComparison.Ordinal));
    }
}
