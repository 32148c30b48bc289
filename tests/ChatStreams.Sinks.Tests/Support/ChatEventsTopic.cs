using ChatStreams.Contracts;
using ChatStreams.Kafka;
using chatstreams.v1;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;

namespace ChatStreams.Sinks.Tests.Support;

/// <summary>chat.events on the test broker as the sequencer fills it: produce events (keyed by conversation), read its end offsets.</summary>
internal static class ChatEventsTopic
{
    public static void Produce(KafkaFixture kafka, IEnumerable<ChatEvent> events)
    {
        var values = kafka.Serdes.Serializer<ChatEvent>().AsSyncOverAsync();
        using var producer = new ProducerBuilder<string, byte[]>(KafkaClientConfigs.Producer(kafka.Kafka, "sequencer"))
            .SetKeySerializer(ChatSerdes.KeySerializer).Build();
        foreach (var e in events)
        {
            var message = new Message<string, byte[]>
            {
                Key = e.ConversationId, Value = values.Serialize(e, new SerializationContext(MessageComponentType.Value, Topics.ChatEvents)),
            };
            while (true)
            {
                try
                {
                    producer.Produce(Topics.ChatEvents, message);
                    break;
                }
                catch (ProduceException<string, byte[]> full) when (full.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
    }

    public static Dictionary<int, long> EndOffsets(KafkaFixture kafka)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(KafkaClientConfigs.Consumer(kafka.Kafka, "ends", "ends")).Build();
        return Enumerable.Range(0, KafkaFixture.Partitions)
            .ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(new TopicPartition(Topics.ChatEvents, p), TimeSpan.FromSeconds(10)).High.Value);
    }
}
