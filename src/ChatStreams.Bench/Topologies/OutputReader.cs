using System.Diagnostics;
using ChatStreams.Contracts;
using ChatStreams.Kafka;
using chatstreams.v1;
using Confluent.Kafka;

namespace ChatStreams.Bench.Topologies;

/// <summary>
/// Reads one output topic from its beginning with read_committed — chat.events like the sinks, or a delivery topic
/// like its edge — on its own thread, and tells the <see cref="CommandLedger"/> when each command's event or delivery
/// became visible. The time is taken as the record comes out of the consumer, before decoding it.
/// </summary>
public sealed class OutputReader : IDisposable
{
    private readonly IConsumer<string, byte[]> _consumer;
    private readonly Action<byte[], long> _handle;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _reading;

    private OutputReader(string topic, int partitions, KafkaOptions kafka, Action<byte[], long> handle)
    {
        Topic = topic;
        _handle = handle;
        var config = KafkaClientConfigs.Consumer(kafka, $"bench-reader-{topic}", $"bench-reader-{topic}-{Guid.NewGuid():N}");
        _consumer = new ConsumerBuilder<string, byte[]>(config).SetKeyDeserializer(Deserializers.Utf8).SetValueDeserializer(Deserializers.ByteArray).Build();
        // Assigned, not subscribed: no group join to wait for and nothing committed.
        _consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        // A named thread of its own, so a profile or `top -H` tells the readers' share of the CPU apart from the topologies'.
        _reading = new Thread(Read) { Name = ThreadNamePrefix + topic, IsBackground = true };
        _reading.Start();
    }

    /// <summary>How every reader's thread name starts.</summary>
    public const string ThreadNamePrefix = "read ";

    public string Topic { get; }

    /// <summary>Why the reader stopped early (a record it could not decode, a fatal client error); null while it reads.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Reads chat.events: each sequenced event marks its command's event time; rejections are recorded.</summary>
    public static OutputReader Events(KafkaOptions kafka, int partitions, ChatSerdes serdes, CommandLedger ledger)
    {
        var deserializer = serdes.ConsumerDeserializer<ChatEvent>();
        var context = new SerializationContext(MessageComponentType.Value, Topics.ChatEvents);
        return new OutputReader(Topics.ChatEvents, partitions, kafka, (value, at) =>
        {
            var chatEvent = deserializer.Deserialize(value, false, context);
            if (chatEvent.Payload is CommandRejected rejected) ledger.Rejected(chatEvent.CommandId, rejected.Code, rejected.Reason);
            else ledger.EventSeen(chatEvent.CommandId, at);
        });
    }

    /// <summary>Reads one edge's delivery topic: each delivered event counts for its command; command outcomes are rejections or duplicates.</summary>
    public static OutputReader Edge(string edgeId, KafkaOptions kafka, int partitions, ChatSerdes serdes, CommandLedger ledger)
    {
        var topic = Topics.Delivery(edgeId);
        var deserializer = serdes.ConsumerDeserializer<Delivery>();
        var context = new SerializationContext(MessageComponentType.Value, topic);
        return new OutputReader(topic, partitions, kafka, (value, at) =>
        {
            switch (deserializer.Deserialize(value, false, context).Payload)
            {
                case ChatEvent chatEvent: ledger.DeliverySeen(chatEvent.CommandId, at); break;
                case CommandOutcome outcome: ledger.Rejected(outcome.CommandId, $"{outcome.Status} {outcome.Code}", outcome.Reason); break;
                // Receipt updates (every message moves its sender's read mark) are part of the load but not timed.
            }
        });
    }

    private void Read()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = _consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result?.Message?.Value is not { } value) continue;
                _handle(value, Stopwatch.GetTimestamp());
            }
        }
        catch (Exception e)
        {
            // Whatever it was, the benchmark must stop and say so rather than wait for records that will never be counted.
            Failure = e;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _reading.Join(TimeSpan.FromSeconds(10));
        _consumer.Close();
        _consumer.Dispose();
        _stop.Dispose();
    }
}
