using ChatStreams.Contracts;
using ChatStreams.Streams;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.Testing;
using ChatStreams.Topologies.Conversation;
using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.Conversation.Support;

/// <summary>
/// The conversation topology in a <see cref="TopologyTestDriver"/> with a fixed wall clock, chat.commands as input and
/// chat.events / chat.receipts as outputs. Commands are piped with explicit record timestamps, one second apart unless
/// the test gives one, so dedup-window tests control time exactly.
/// </summary>
internal sealed class ConversationDriver : IDisposable
{
    public static readonly DateTimeOffset StartClock = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static long StartMs => StartClock.ToUnixTimeMilliseconds();

    private long nextTimestampMs = StartMs;

    public ConversationDriver(ContractSerdes serdes, ConversationOptions? options = null, int partitions = 1)
    {
        var topologyOptions = new TopologyOptions { Conversation = options ?? new ConversationOptions() };
        Driver = new TopologyTestDriver(ConversationTopology.Build(serdes, topologyOptions),
            new StreamsConfig { ApplicationId = ConversationTopology.ApplicationId }, StartClock, partitions);
        Commands = Driver.CreateInputTopic(Topics.ChatCommands, Serdes.String, serdes.Command);
        Events = Driver.CreateOutputTopic(Topics.ChatEvents, Serdes.String, serdes.Event);
        Receipts = Driver.CreateOutputTopic(Topics.ChatReceipts, Serdes.String, serdes.Receipt);
    }

    public TopologyTestDriver Driver { get; }

    public TestInputTopic<string, ChatCommand> Commands { get; }

    public TestOutputTopic<string, ChatEvent> Events { get; }

    public TestOutputTopic<string, ReceiptUpdate> Receipts { get; }

    /// <summary>Timestamp the next command gets when the test gives none.</summary>
    public long NextTimestampMs => nextTimestampMs;

    /// <summary>Pipes a command keyed by its conversation id, as the edge produces it.</summary>
    public void Pipe(ChatCommand command, long? timestampMs = null) => Pipe(command.ConversationId, command, timestampMs);

    /// <summary>Pipes a command under any key (to test a key that does not match the command).</summary>
    public void Pipe(string key, ChatCommand command, long? timestampMs = null)
    {
        var timestamp = timestampMs ?? nextTimestampMs;
        nextTimestampMs = Math.Max(nextTimestampMs, timestamp) + 1_000;
        Commands.PipeInput(key, command, timestamp);
    }

    /// <summary>Pipes a command and returns the chat.events it caused (receipts stay queued).</summary>
    public List<ChatEvent> Process(ChatCommand command, long? timestampMs = null)
    {
        Pipe(command, timestampMs);
        return Events.ReadValuesToList();
    }

    /// <summary>Pipes a command that must cause exactly one chat.event, and returns it.</summary>
    public ChatEvent Single(ChatCommand command, long? timestampMs = null) => Assert.Single(Process(command, timestampMs));

    /// <summary>Pipes set-up commands that must all be accepted (each has an effect, none is refused); drains both outputs.</summary>
    public void Given(params ChatCommand[] commands)
    {
        foreach (var command in commands)
        {
            var events = Process(command);
            var receipts = Receipts.ReadValuesToList();
            Assert.True(events.Count + receipts.Count > 0, $"set-up command {command.Payload.GetType().Name} had no effect");
            Assert.All(events, e => Assert.IsNotType<CommandRejected>(e.Payload));
        }
    }

    public void Dispose() => Driver.Dispose();
}
