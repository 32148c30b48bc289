using Confluent.Kafka;

namespace ChatStreams.Streams.Testing;

/// <summary>
/// The driver's stand-in for the broker: partition counts, offsets, key partitioning (murmur2 like the Java client)
/// and the records written to each topic, queued until a test reads them.
/// </summary>
internal sealed class DriverTopics(int defaultPartitions, IReadOnlyDictionary<string, int> declaredPartitions)
{
    private readonly Dictionary<TopicPartition, long> _nextOffset = new();
    private readonly Dictionary<string, int> _nextKeylessPartition = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<ProducedRecord>> _written = new(StringComparer.Ordinal);

    public int PartitionCount(string topic) => declaredPartitions.TryGetValue(topic, out var n) ? n : defaultPartitions;

    /// <summary>The partition for a record: murmur2 of the key bytes, or round robin for records without a key.</summary>
    public int ChoosePartition(string topic, byte[]? key)
    {
        var count = PartitionCount(topic);
        if (key is not null) return Runtime.Murmur2Partitioner.Partition(key, count);
        var next = _nextKeylessPartition.GetValueOrDefault(topic);
        _nextKeylessPartition[topic] = (next + 1) % count;
        return next;
    }

    public long NextOffset(TopicPartition partition)
    {
        var offset = _nextOffset.GetValueOrDefault(partition);
        _nextOffset[partition] = offset + 1;
        return offset;
    }

    public void Written(ProducedRecord record)
    {
        if (!_written.TryGetValue(record.Topic, out var queue)) _written[record.Topic] = queue = new Queue<ProducedRecord>();
        queue.Enqueue(record);
    }

    public Queue<ProducedRecord> Queue(string topic)
    {
        if (!_written.TryGetValue(topic, out var queue)) _written[topic] = queue = new Queue<ProducedRecord>();
        return queue;
    }

    public IEnumerable<string> WrittenTopics => _written.Where(kv => kv.Value.Count > 0).Select(kv => kv.Key);
}
