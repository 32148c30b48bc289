using System.Diagnostics;
using System.Text;
using ChatStreams.Contracts;
using ChatStreams.Kafka;
using chatstreams.v1;
using Confluent.Kafka;

namespace ChatStreams.Bench.Sinks;

/// <summary>
/// Writes ChatEvents to chat.events the way the conversation topology does: Avro over the registry, keyed by
/// conversation, inside transactions, so the sinks read them read_committed with commit markers in between.
/// </summary>
public sealed class ChatEventsWriter : IDisposable
{
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly Confluent.Kafka.IAsyncSerializer<ChatEvent> _serializer;

    public ChatEventsWriter(KafkaOptions kafka, ChatSerdes serdes)
    {
        var config = KafkaClientConfigs.TransactionalProducer(kafka, "bench-sinks-writer", $"bench-sinks-{Guid.NewGuid():N}");
        config.LingerMs = 5;
        _producer = new ProducerBuilder<byte[], byte[]>(config).Build();
        _producer.InitTransactions(TimeSpan.FromSeconds(30));
        _serializer = serdes.Serializer<ChatEvent>();
    }

    /// <summary>Writes the events in one transaction; returns the Stopwatch timestamp at which it was committed (readable).</summary>
    public async Task<long> WriteAsync(IReadOnlyList<ChatEvent> events)
    {
        _producer.BeginTransaction();
        foreach (var e in events)
        {
            var value = await _serializer.SerializeAsync(e, new SerializationContext(MessageComponentType.Value, Topics.ChatEvents));
            while (true)
            {
                try
                {
                    _producer.Produce(Topics.ChatEvents, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(e.ConversationId), Value = value });
                    break;
                }
                catch (ProduceException<byte[], byte[]> full) when (full.Error.Code == ErrorCode.Local_QueueFull)
                {
                    _producer.Poll(TimeSpan.FromMilliseconds(20));
                }
            }
        }
        _producer.CommitTransaction(TimeSpan.FromSeconds(60));
        return Stopwatch.GetTimestamp();
    }

    public void Dispose() => _producer.Dispose();
}
