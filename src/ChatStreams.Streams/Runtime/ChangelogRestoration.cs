using ChatStreams.Streams.Processor;
using ChatStreams.Streams.State;
using Confluent.Kafka;

namespace ChatStreams.Streams.Runtime;

/// <summary>The restoration of one store of one task from one changelog partition.</summary>
internal sealed class ChangelogRestoration(TaskId task, string storeName, TopicPartition partition, IRestorableStore store, long startOffset)
{
    private readonly List<(byte[] Key, byte[]? Value, long Timestamp)> _batch = [];

    public TaskId Task { get; } = task;
    public string StoreName { get; } = storeName;
    public TopicPartition Partition { get; } = partition;
    public IRestorableStore Store { get; } = store;
    public long StartOffset { get; } = startOffset;

    /// <summary>The offset to restore up to (exclusive): the last stable offset when restoration began.</summary>
    public long? EndOffset { get; set; }

    /// <summary>The next changelog offset to read.</summary>
    public long Position { get; set; } = startOffset;

    public long Restored { get; private set; }
    public bool Done { get; set; }
    public DateTime StartedAt { get; } = DateTime.UtcNow;
    public DateTime LastProgressLog { get; set; } = DateTime.UtcNow;
    public long RestoredAtLastLog { get; set; }

    public long Remaining => EndOffset is { } end ? Math.Max(0, end - Position) : 0;

    public int Buffered => _batch.Count;

    public void Add(ConsumeResult<byte[]?, byte[]?> record)
    {
        // Changelog keys are never null (stores reject null keys); an odd record from elsewhere is skipped, not applied.
        if (record.Message.Key is { } key) _batch.Add((key, record.Message.Value, record.Message.Timestamp.UnixTimestampMs));
        Position = record.Offset.Value + 1;
    }

    /// <summary>Applies the buffered records to the store; returns how many.</summary>
    public int Apply()
    {
        if (_batch.Count == 0) return 0;
        Store.Restore(_batch);
        var applied = _batch.Count;
        Restored += applied;
        _batch.Clear();
        return applied;
    }
}
