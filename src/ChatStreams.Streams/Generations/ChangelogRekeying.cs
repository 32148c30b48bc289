using ChatStreams.Kafka;
using ChatStreams.Streams.Runtime;
using Confluent.Kafka;

namespace ChatStreams.Streams.Generations;

/// <summary>
/// Builds the next generation's store changelogs from the old generation's: every live entry (latest value per key,
/// deleted keys left out) is written to the new changelog partition that the new partition count gives its input key.
/// Convention for stores of a rescalable application: a store key is the input record's key, optionally followed by
/// U+0000 and more parts (the chat's <c>StoreKeys</c>); so the input key is the store key up to the first zero byte.
/// All writes go in one transaction, so a crash leaves either nothing or everything, and a rerun writes the same
/// entries again (changelogs are compacted: the restore ends with the same state).
/// </summary>
public sealed class ChangelogRekeying(KafkaOptions kafka, string transactionalId)
{
    /// <summary>Copies each (old changelog → new changelog) pair; returns the number of entries written per new changelog.</summary>
    public Dictionary<string, int> Copy(IReadOnlyList<(string From, string To)> changelogs, int targetPartitions, Action<string>? progress, CancellationToken ct)
    {
        var config = KafkaClientConfigs.TransactionalProducer(kafka, "rescale-rekeying", transactionalId);
        using var producer = new ProducerBuilder<byte[], byte[]>(config).Build();
        producer.InitTransactions(TimeSpan.FromSeconds(60));
        producer.BeginTransaction();
        var written = new Dictionary<string, int>(StringComparer.Ordinal);
        Exception? failure = null;
        try
        {
            // The changelogs are read side by side (most of the time is waiting for fetches), then written in one transaction.
            var read = Task.WhenAll(changelogs.Select(c => Task.Run(() => ReadLatest(c.From, ct), ct))).GetAwaiter().GetResult();
            foreach (var ((from, to), entries) in changelogs.Zip(read))
            {
                ct.ThrowIfCancellationRequested();
                foreach (var (key, value) in entries)
                {
                    var partition = Murmur2Partitioner.Partition(InputKey(key), targetPartitions);
                    ProduceWithBackpressure(producer, new TopicPartition(to, partition), new Message<byte[], byte[]> { Key = key, Value = value },
                        e => failure ??= e);
                }
                written[to] = entries.Count;
                progress?.Invoke($"re-keyed {entries.Count} entries of {from} into {to}");
            }
            producer.Flush(ct);
            if (failure is not null) throw failure;
            producer.CommitTransaction(TimeSpan.FromSeconds(60));
            return written;
        }
        catch
        {
            try { producer.AbortTransaction(TimeSpan.FromSeconds(30)); }
            catch (KafkaException) { /* the transaction times out on the broker instead */ }
            throw;
        }
    }

    /// <summary>The input key of a store key: the bytes up to the first zero byte (all of them without one).</summary>
    public static ReadOnlySpan<byte> InputKey(byte[] storeKey)
    {
        var end = Array.IndexOf(storeKey, (byte)0);
        return end < 0 ? storeKey : storeKey.AsSpan(0, end);
    }

    private static void ProduceWithBackpressure(IProducer<byte[], byte[]> producer, TopicPartition partition, Message<byte[], byte[]> message, Action<Exception> failed)
    {
        while (true)
        {
            try
            {
                producer.Produce(partition, message, report =>
                {
                    if (report.Error.IsError) failed(new KafkaException(report.Error));
                });
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(50));
            }
        }
    }

    /// <summary>Latest value per key of every partition of a changelog, up to its last stable offset; deleted keys left out.</summary>
    private Dictionary<byte[], byte[]> ReadLatest(string topic, CancellationToken ct)
    {
        var latest = new Dictionary<byte[], byte[]>(ByteArrayComparer.Instance);
        var config = KafkaClientConfigs.Consumer(kafka, "rescale-rekeying", "rescale-rekeying-unused");
        config.EnablePartitionEof = true;
        using var consumer = new ConsumerBuilder<byte[], byte[]?>(config).Build();
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(kafka, "rescale-rekeying")).Build();
        var partitions = admin.GetMetadataRetrying(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Select(p => p.PartitionId).ToList();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var open = partitions.ToHashSet();
        while (open.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result is null) continue;
            if (result.IsPartitionEOF)
            {
                open.Remove(result.Partition.Value);
                continue;
            }
            if (result.Message.Key is not { } key) continue;
            if (result.Message.Value is { } value) latest[key] = value;
            else latest.Remove(key);
        }
        return latest;
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
