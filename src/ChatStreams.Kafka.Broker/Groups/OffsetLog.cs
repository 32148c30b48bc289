using ChatStreams.Kafka.Broker.Cluster;
using ChatStreams.Kafka.Broker.Records;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Kafka.Broker.Groups;

/// <summary>
/// The internal topic <c>__consumer_offsets</c>: one record per committed partition (key = group, topic,
/// partition; value = offset, leader epoch, metadata, commit time; see <see cref="OffsetRecordCodec"/>), in
/// batches the broker builds itself. Transactional offsets are transactional batches of the producer, closed
/// by the COMMIT/ABORT marker the transaction coordinator writes to the same partition. Compacted, so only the
/// latest value per key survives in the long run.
/// </summary>
internal sealed class OffsetLog(TopicCatalog catalog, ILogger logger)
{
    public const string TopicName = "__consumer_offsets";

    /// <summary>
    /// Kafka's offsets topic settings that matter here: compacted, 100 MiB segments; plus an fsync before every
    /// commit is answered, whatever the broker-wide flush defaults say, because a commit must survive a crash.
    /// </summary>
    private static readonly Dictionary<string, string?> TopicConfigs = new(StringComparer.Ordinal)
    {
        ["cleanup.policy"] = "compact",
        ["segment.bytes"] = "104857600",
        ["flush.messages"] = "1",
    };

    private readonly object _createLock = new();

    public bool PartitionExists(TopicPartition tp) => catalog.Find(tp.Topic)?.Partition(tp.Partition) is not null;

    /// <summary>The partition of the group (Kafka's abs(groupId.hashCode) % partitions), creating the topic on first use.</summary>
    public Partition PartitionFor(string groupId)
    {
        var topic = catalog.Find(TopicName) ?? Create();
        return topic.Partitions[PartitionIndex(groupId, topic.Partitions.Count)];
    }

    private Topic Create()
    {
        lock (_createLock)
        {
            if (catalog.Find(TopicName) is { } existing) return existing;
            var result = catalog.Create(TopicName, 1, TopicConfigs, validateOnly: false);
            if (result.Error != Protocol.ErrorCode.None && result.Error != Protocol.ErrorCode.TopicAlreadyExists)
                throw new InvalidOperationException($"cannot create {TopicName}: {result.Message}");
            logger.LogInformation("created the internal topic {Topic}", TopicName);
            return catalog.Find(TopicName) ?? throw new InvalidOperationException($"{TopicName} vanished right after it was created");
        }
    }

    /// <summary>Java's String.hashCode over UTF-16 units, so a group maps to the partition Kafka would pick.</summary>
    internal static int PartitionIndex(string groupId, int partitions)
    {
        var hash = 0;
        foreach (var c in groupId) hash = unchecked(31 * hash + c);
        // Kafka's Utils.abs maps int.MinValue to 0 instead of overflowing.
        var positive = hash == int.MinValue ? 0 : Math.Abs(hash);
        return positive % partitions;
    }

    /// <summary>Appends one batch holding every value (atomic: all or none); returns the log offset of the first.</summary>
    public long Append(Partition partition, string groupId, IReadOnlyList<(TopicPartition Partition, CommittedOffset Value)> values,
        long producerId, short producerEpoch, long nowMs)
    {
        using var builder = new RecordBatchBuilder
        {
            ProducerId = producerId,
            ProducerEpoch = producerEpoch,
            BaseSequence = -1, // the broker's own records take no part in idempotence
            IsTransactional = producerId >= 0,
        };
        foreach (var (tp, value) in values)
            builder.Add(OffsetRecordCodec.EncodeKey(groupId, tp), OffsetRecordCodec.EncodeValue(value), nowMs);
        return partition.AppendInternal(builder.Build(), producerId, builder.IsTransactional);
    }

    public Task FlushAsync(Partition partition, long upToOffset, CancellationToken ct) =>
        partition.Log.FlushAsync(upToOffset, ct).AsTask();

    /// <summary>
    /// Replays the whole topic into <paramref name="table"/>: plain records commit, transactional ones wait for
    /// their producer's marker (COMMIT applies them, ABORT drops them; none yet = still pending). A record that
    /// cannot be decoded is logged and skipped: one bad record must not cost a group all its other offsets.
    /// </summary>
    /// <returns>How many offset records and transaction markers were read.</returns>
    public (int Records, int Markers) Replay(OffsetTable table)
    {
        var topic = catalog.Find(TopicName);
        if (topic is null) return (0, 0);
        int records = 0, markers = 0;
        foreach (var partition in topic.Partitions)
        {
            var log = partition.Log;
            var end = log.LogEndOffset;
            var offset = log.LogStartOffset;
            while (offset < end)
            {
                using var slice = log.Read(offset, 1024 * 1024, end);
                if (slice.BatchCount == 0) break;
                foreach (var batch in RecordBatches.Split(slice.Bytes.Span))
                {
                    try
                    {
                        if (batch.Header.IsControl)
                        {
                            var marker = RecordReader.ReadControlRecord(batch.Bytes);
                            if (!marker.IsTransactionMarker) continue;
                            table.CompleteTransaction(batch.Header.ProducerId, marker.Type == ControlRecordType.Commit);
                            markers++;
                            continue;
                        }
                        records += ReplayBatch(table, batch, partition);
                    }
                    catch (CorruptRecordException e)
                    {
                        logger.LogWarning("skipping unreadable batch at {Partition} offset {Offset}: {Reason}", partition, batch.Header.BaseOffset, e.Message);
                    }
                }
                offset = slice.NextOffset;
            }
        }
        return (records, markers);
    }

    private int ReplayBatch(OffsetTable table, RecordBatchSlice batch, Partition partition)
    {
        var count = 0;
        using var reader = RecordReader.Open(batch.Bytes);
        while (reader.TryRead(out var record))
        {
            try
            {
                if (!record.HasKey || !OffsetRecordCodec.TryDecodeKey(record.Key, out var groupId, out var tp)) continue;
                var value = record.HasValue ? OffsetRecordCodec.DecodeValue(record.Value) : null;
                if (batch.Header.IsTransactional)
                {
                    if (value is not null) table.AddPending(batch.Header.ProducerId, groupId, tp, value, record.Offset);
                }
                else table.Commit(groupId, tp, value, record.Offset);
                count++;
            }
            catch (InvalidDataException e)
            {
                logger.LogWarning("skipping unreadable offset record at {Partition} offset {Offset}: {Reason}", partition, record.Offset, e.Message);
            }
        }
        return count;
    }
}
