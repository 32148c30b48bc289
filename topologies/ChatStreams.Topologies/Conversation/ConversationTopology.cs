using Avro.Specific;
using ChatStreams.Contracts;
using ChatStreams.Kafka.Generations;
using ChatStreams.Streams;
using ChatStreams.Streams.Generations;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;
using chatstreams.v1;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Topologies.Conversation;

/// <summary>
/// The conversation topology (application <see cref="ApplicationId"/>): chat.commands (key: conversation id) through
/// the <see cref="Sequencer"/> into chat.events (gap-free seq per conversation) and chat.receipts (receipt
/// high-water marks). One sub-topology, one task per partition of chat.commands; all state is in RocksDB stores with
/// changelogs, committed with the outputs and input offsets in one transaction (exactly once).
/// </summary>
public static class ConversationTopology
{
    public const string ApplicationId = "chatstreams-conversation";

    public const string CommandsSource = "commands";
    public const string SequencerNode = "sequencer";
    public const string EventsOnly = "events-only";
    public const string ReceiptsOnly = "receipts-only";
    public const string EventsSink = "events-sink";
    public const string ReceiptsSink = "receipts-sink";

    public const string ConversationsStore = "conversations";
    public const string MembersStore = "members";
    public const string MessagesStore = "messages";
    public const string DedupStore = "dedup";
    public const string ReceiptsStore = "receipts";

    /// <summary>
    /// Commands pass the <see cref="CutoverGate"/> first: it stops at a rescale's cutover marker and forwards what a
    /// producer still wrote to this generation afterwards to the next one (docs/operations.md, "Rescaling partitions").
    /// </summary>
    public const string CutoverGate = "cutover-gate";

    /// <param name="generation">The generation of chat.commands to read (1: chat.commands, 2: chat.commands.g2 …).</param>
    /// <param name="outputGeneration">The generation of chat.events and chat.receipts to write (the generation record of
    /// chat.commands says which: a rescale moves both families together, see docs/operations.md).</param>
    public static Topology Build(ContractSerdes serdes, TopologyOptions options, ILoggerFactory? loggers = null, int generation = 1, int outputGeneration = 1)
    {
        var factory = loggers ?? NullLoggerFactory.Instance;
        var logger = factory.CreateLogger(typeof(Sequencer));
        var conversation = options.Conversation;
        return new Topology()
            .AddSource(CommandsSource, Serdes.String, serdes.Command, TopicGenerations.TopicName(Topics.ChatCommands, generation))
            .AddGenerationCutover(CutoverGate, CommandsSource, SequencerNode, TopicGenerations.TopicName(Topics.ChatCommands, generation + 1),
                Serdes.String, serdes.Command, factory.CreateLogger(typeof(GenerationCutover<,>)))
            .AddProcessor(SequencerNode, () => new Sequencer(conversation, logger), CutoverGate)
            .AddProcessor(EventsOnly, () => new RecordsOfType<ISpecificRecord, ChatEvent>(), SequencerNode)
            .AddProcessor(ReceiptsOnly, () => new RecordsOfType<ISpecificRecord, ReceiptUpdate>(), SequencerNode)
            .AddSink(EventsSink, TopicGenerations.TopicName(Topics.ChatEvents, outputGeneration), Serdes.String, serdes.Event, EventsOnly)
            .AddSink(ReceiptsSink, TopicGenerations.TopicName(Topics.ChatReceipts, outputGeneration), Serdes.String, serdes.Receipt, ReceiptsOnly)
            .AddStateStore(Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore(ConversationsStore), Serdes.String, Serdes.Json<ConversationHead>()), SequencerNode)
            .AddStateStore(Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore(MembersStore), Serdes.String, Serdes.Json<MemberEntry>()), SequencerNode)
            .AddStateStore(Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore(MessagesStore), Serdes.String, Serdes.Json<MessageAuthor>()), SequencerNode)
            .AddStateStore(Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore(ReceiptsStore), Serdes.String, Serdes.Json<ReceiptMarks>()), SequencerNode)
            .AddStateStore(Stores.TtlKeyValueStoreBuilder(DedupStore, conversation.DedupWindow, Serdes.String, Serdes.Json<DedupEntry>(), persistent: true), SequencerNode);
    }
}
