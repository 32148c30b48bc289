using System.Text;
using ChatStreams.Kafka.Broker.Records;
using ChatStreams.Kafka.Broker.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Kafka.Broker.Tests.Storage;

internal static class LogTestData
{
    public static PartitionLog Open(string directory, LogConfig? config = null, TimeProvider? time = null, ILogger? logger = null) =>
        PartitionLog.Open(directory, config ?? new LogConfig(), time ?? new ManualTime(), logger ?? NullLogger.Instance);

    /// <summary>A batch of <paramref name="count"/> records "key-i" = "value-i" with timestamps from <paramref name="timestamp"/>.</summary>
    public static byte[] Batch(int count, long timestamp = 1_700_000_000_000, int firstKey = 0, CompressionType codec = CompressionType.None, int valueSize = 0)
    {
        using var builder = new RecordBatchBuilder(codec);
        for (int i = 0; i < count; i++)
        {
            var value = valueSize > 0 ? new byte[valueSize] : Encoding.UTF8.GetBytes($"value-{firstKey + i}");
            builder.Add(Encoding.UTF8.GetBytes($"key-{firstKey + i}"), value, timestamp + i);
        }
        return builder.Build();
    }

    /// <summary>One keyed record; null value = tombstone.</summary>
    public static byte[] Keyed(string key, string? value, long timestamp = 1_700_000_000_000, long producerId = -1,
        short epoch = -1, int sequence = -1, bool transactional = false)
    {
        using var builder = new RecordBatchBuilder
        {
            ProducerId = producerId,
            ProducerEpoch = epoch,
            BaseSequence = sequence,
            IsTransactional = transactional,
        };
        builder.Add(Encoding.UTF8.GetBytes(key), value is null ? null : Encoding.UTF8.GetBytes(value), timestamp);
        return builder.Build();
    }

    /// <summary>Every record readable from <paramref name="from"/> to the end, batch by batch through Read.</summary>
    public static List<KafkaRecord> ReadAll(PartitionLog log, long from, int maxBytes = 64 * 1024)
    {
        var records = new List<KafkaRecord>();
        long offset = from;
        while (offset < log.LogEndOffset)
        {
            using var slice = log.Read(offset, maxBytes, long.MaxValue);
            if (slice.BatchCount == 0) break;
            foreach (var batch in RecordBatches.Split(slice.Bytes.Span))
                records.AddRange(RecordReader.ReadAll(batch.Bytes).Where(r => r.Offset >= offset));
            offset = slice.NextOffset;
        }
        return records;
    }

    public static string Text(byte[]? bytes) => bytes is null ? "<null>" : Encoding.UTF8.GetString(bytes);
}
