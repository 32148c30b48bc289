using ChatStreams.Kafka.Broker.Protocol;

namespace ChatStreams.Kafka.Broker.Cluster;

/// <summary>
/// Idempotence state of one partition: per producer id the current epoch and its last five batches
/// (librdkafka keeps up to five requests in flight, so a retry can only match one of those).
/// </summary>
internal sealed class ProducerStateTable
{
    internal const int RetainedBatches = 5;

    private readonly Dictionary<long, ProducerEntry> _producers = new();

    internal sealed class ProducerEntry
    {
        public short Epoch;
        public int LastSequence = -1;
        public readonly Queue<BatchMetadata> Recent = new();
    }

    internal readonly record struct BatchMetadata(int FirstSequence, int LastSequence, long BaseOffset, long LastOffset);

    public readonly record struct Verdict(ErrorCode Error, long DuplicateOfOffset)
    {
        public bool IsDuplicate => DuplicateOfOffset >= 0;
        public static readonly Verdict Accept = new(ErrorCode.None, -1);
    }

    public int Count => _producers.Count;
    public long MaxProducerId { get; private set; } = -1;

    /// <summary>Checks a batch before it is appended; nothing changes until <see cref="Record"/>.</summary>
    public Verdict Check(long producerId, short epoch, int firstSequence, int lastSequence)
    {
        if (producerId < 0) return Verdict.Accept;
        if (!_producers.TryGetValue(producerId, out var entry))
            // A producer we have no state for must start at sequence 0; otherwise it lost its state (e.g. after
            // retention removed its batches) and must bump its epoch and restart numbering.
            return firstSequence == 0 ? Verdict.Accept : new Verdict(ErrorCode.UnknownProducerId, -1);

        if (epoch < entry.Epoch) return new Verdict(ErrorCode.InvalidProducerEpoch, -1);
        if (epoch > entry.Epoch)
            return firstSequence == 0 ? Verdict.Accept : new Verdict(ErrorCode.OutOfOrderSequenceNumber, -1);

        foreach (var batch in entry.Recent)
            if (batch.FirstSequence == firstSequence && batch.LastSequence == lastSequence)
                return new Verdict(ErrorCode.None, batch.BaseOffset);

        return firstSequence == NextSequence(entry.LastSequence)
            ? Verdict.Accept
            : new Verdict(ErrorCode.OutOfOrderSequenceNumber, -1);
    }

    /// <summary>Sequence numbers wrap at int.MaxValue back to 0.</summary>
    private static int NextSequence(int last) => last == int.MaxValue ? 0 : last + 1;

    public void Record(long producerId, short epoch, int firstSequence, int lastSequence, long baseOffset, long lastOffset)
    {
        if (producerId < 0) return;
        MaxProducerId = Math.Max(MaxProducerId, producerId);
        if (!_producers.TryGetValue(producerId, out var entry))
            _producers[producerId] = entry = new ProducerEntry { Epoch = epoch };
        if (epoch != entry.Epoch)
        {
            entry.Epoch = epoch;
            entry.Recent.Clear();
            entry.LastSequence = -1;
        }
        if (firstSequence < 0) return; // control batches carry no sequence
        entry.LastSequence = lastSequence;
        entry.Recent.Enqueue(new BatchMetadata(firstSequence, lastSequence, baseOffset, lastOffset));
        while (entry.Recent.Count > RetainedBatches) entry.Recent.Dequeue();
    }

    /// <summary>A transaction marker with a newer epoch (abort on fencing) moves the producer to that epoch.</summary>
    public void RecordMarker(long producerId, short epoch)
    {
        MaxProducerId = Math.Max(MaxProducerId, producerId);
        if (!_producers.TryGetValue(producerId, out var entry))
        {
            _producers[producerId] = new ProducerEntry { Epoch = epoch };
            return;
        }
        if (epoch > entry.Epoch)
        {
            entry.Epoch = epoch;
            entry.Recent.Clear();
            entry.LastSequence = -1;
        }
    }

    public short? EpochOf(long producerId) => _producers.TryGetValue(producerId, out var e) ? e.Epoch : null;
}
