using System.Text;
using ChatStreams.Kafka;
using Confluent.Kafka;

namespace ChatStreams.Bench.Streams;

/// <summary>
/// The baseline: an exactly-once consume→produce loop written directly against Confluent.Kafka, with the same
/// client settings as the runtime (KafkaClientConfigs), the same commit interval and the same writes per record —
/// the copy writes the record; the count keeps a Dictionary and writes the output and a changelog record — in
/// transactions that carry the consumed offsets (SendOffsetsToTransaction). What the runtime adds on top
/// (tasks, serdes, processor graph, stores, metrics) is the difference.
/// </summary>
public sealed class HandWrittenLoop(string bootstrapServers, string input, string output, string? changelog, string group, int commitIntervalMs)
{
    public void Run(CancellationToken stop)
    {
        var options = new KafkaOptions { BootstrapServers = bootstrapServers };
        var consumerConfig = KafkaClientConfigs.Consumer(options, $"{group}-consumer", group);
        consumerConfig.PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(consumerConfig).Build();
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(
            KafkaClientConfigs.TransactionalProducer(options, $"{group}-producer", $"{group}-{Guid.NewGuid():N}")).Build();
        producer.InitTransactions(TimeSpan.FromSeconds(60));
        consumer.Subscribe(input);

        var counts = new Dictionary<string, long>();
        var offsets = new Dictionary<TopicPartition, Offset>();
        var inTransaction = false;
        var lastCommit = Environment.TickCount64;
        while (!stop.IsCancellationRequested)
        {
            var record = consumer.Consume(inTransaction ? TimeSpan.Zero : TimeSpan.FromMilliseconds(100));
            if (record is not null)
            {
                if (!inTransaction)
                {
                    producer.BeginTransaction();
                    inTransaction = true;
                }
                Process(producer, record, counts);
                offsets[record.TopicPartition] = record.Offset + 1;
            }
            if (inTransaction && (record is null || Environment.TickCount64 - lastCommit >= commitIntervalMs))
            {
                producer.SendOffsetsToTransaction(offsets.Select(o => new TopicPartitionOffset(o.Key, o.Value)), consumer.ConsumerGroupMetadata,
                    TimeSpan.FromSeconds(60));
                producer.CommitTransaction(TimeSpan.FromSeconds(60));
                inTransaction = false;
                offsets.Clear();
                lastCommit = Environment.TickCount64;
            }
        }
        consumer.Close();
    }

    private void Process(IProducer<byte[]?, byte[]?> producer, ConsumeResult<byte[]?, byte[]?> record, Dictionary<string, long> counts)
    {
        if (changelog is null)
        {
            Send(producer, output, null, record.Message.Key, record.Message.Value, record.Message.Timestamp.UnixTimestampMs);
            return;
        }
        var key = Encoding.UTF8.GetString(record.Message.Key!);
        var count = counts.GetValueOrDefault(key) + 1;
        counts[key] = count;
        Send(producer, changelog, record.Partition.Value, record.Message.Key, BenchTopologies.Long(count), record.Message.Timestamp.UnixTimestampMs);
        Send(producer, output, null, record.Message.Key, Encoding.UTF8.GetBytes($"{key}:{count}"), record.Message.Timestamp.UnixTimestampMs);
    }

    private static void Send(IProducer<byte[]?, byte[]?> producer, string topic, int? partition, byte[]? key, byte[]? value, long timestamp)
    {
        var message = new Message<byte[]?, byte[]?> { Key = key, Value = value, Timestamp = new Timestamp(timestamp, TimestampType.CreateTime) };
        while (true)
        {
            try
            {
                if (partition is { } p) producer.Produce(new TopicPartition(topic, p), message);
                else producer.Produce(topic, message);
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(50));
            }
        }
    }
}
