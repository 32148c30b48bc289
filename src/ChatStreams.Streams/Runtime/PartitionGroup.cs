using Confluent.Kafka;

namespace ChatStreams.Streams.Runtime;

/// <summary>
/// The buffered input of one task (Kafka Streams' PartitionGroup): a FIFO per input partition. The next record is
/// the head with the smallest timestamp across partitions, so co-partitioned inputs are merged in time order
/// (ties go to the partition listed first). Tracks the offsets to commit.
/// </summary>
internal sealed class PartitionGroup
{
    private readonly TopicPartition[] _partitions;
    private readonly Queue<ConsumeResult<byte[]?, byte[]?>>[] _queues;
    private readonly Dictionary<TopicPartition, int> _index = new();
    private readonly long[] _lastProcessed;
    private readonly long[] _lastCommitted;

    public PartitionGroup(IReadOnlyCollection<TopicPartition> partitions)
    {
        _partitions = partitions.ToArray();
        _queues = new Queue<ConsumeResult<byte[]?, byte[]?>>[_partitions.Length];
        _lastProcessed = new long[_partitions.Length];
        _lastCommitted = new long[_partitions.Length];
        for (var i = 0; i < _partitions.Length; i++)
        {
            if (!_index.TryAdd(_partitions[i], i)) throw new ArgumentException($"input partition {_partitions[i]} is listed twice", nameof(partitions));
            _queues[i] = new Queue<ConsumeResult<byte[]?, byte[]?>>();
            _lastProcessed[i] = -1;
            _lastCommitted[i] = -1;
        }
    }

    public int Buffered { get; private set; }

    public bool Contains(TopicPartition partition) => _index.ContainsKey(partition);

    public void Add(TopicPartition partition, IEnumerable<ConsumeResult<byte[]?, byte[]?>> records)
    {
        if (!_index.TryGetValue(partition, out var i))
            throw new ArgumentException($"{partition} is not an input partition of this task (inputs: {string.Join(", ", _partitions)})", nameof(partition));
        foreach (var record in records)
        {
            // End-of-partition markers carry no message.
            if (record.IsPartitionEOF || record.Message is null) continue;
            _queues[i].Enqueue(record);
            Buffered++;
        }
    }

    /// <summary>Takes the buffered record with the smallest timestamp; false when nothing is buffered.</summary>
    public bool TryTake(out TopicPartition partition, out ConsumeResult<byte[]?, byte[]?> record)
    {
        var best = -1;
        var bestTimestamp = long.MaxValue;
        for (var i = 0; i < _queues.Length; i++)
        {
            if (!_queues[i].TryPeek(out var head)) continue;
            var ts = head.Message.Timestamp.UnixTimestampMs;
            if (best < 0 || ts < bestTimestamp)
            {
                best = i;
                bestTimestamp = ts;
            }
        }
        if (best < 0)
        {
            partition = null!;
            record = null!;
            return false;
        }
        partition = _partitions[best];
        record = _queues[best].Dequeue();
        Buffered--;
        return true;
    }

    /// <summary>Marks a taken record done (also one sent to the dead-letter topic): its offset will be committed.</summary>
    public void MarkProcessed(TopicPartition partition, long offset) => _lastProcessed[_index[partition]] = offset;

    /// <summary>Offset after the last processed record, for partitions that progressed since the previous call.</summary>
    public Dictionary<TopicPartition, Offset> TakeOffsetsToCommit()
    {
        var result = new Dictionary<TopicPartition, Offset>();
        for (var i = 0; i < _partitions.Length; i++)
        {
            if (_lastProcessed[i] <= _lastCommitted[i]) continue;
            result[_partitions[i]] = new Offset(_lastProcessed[i] + 1);
            _lastCommitted[i] = _lastProcessed[i];
        }
        return result;
    }

    public void Clear()
    {
        foreach (var q in _queues) q.Clear();
        Buffered = 0;
    }
}
