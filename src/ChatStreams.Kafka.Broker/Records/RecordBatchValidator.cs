using System.Buffers.Binary;
using ChatStreams.Kafka.Broker.Records.Compression;

namespace ChatStreams.Kafka.Broker.Records;

/// <summary>
/// Checks a Produce request's records field before it is appended: framing, magic 2, size limits, CRC-32C,
/// record counts against offset deltas, producer fields, and every record decodable (compressed batches are
/// decompressed into a pooled buffer and walked). Never throws on bad input; returns a typed error.
/// </summary>
public static class RecordBatchValidator
{
    /// <summary>Validates without changing anything.</summary>
    public static RecordValidationResult Validate(ReadOnlySpan<byte> records, RecordValidationOptions options) =>
        Run(records, options, normalized: default, normalize: false);

    /// <summary>
    /// Validates and, like Kafka's log validator, corrects a CreateTime batch whose MaxTimestamp does not match
    /// its records (then the CRC is recomputed), so time index and retention see true timestamps.
    /// </summary>
    public static RecordValidationResult ValidateAndNormalize(Span<byte> records, RecordValidationOptions options) =>
        Run(records, options, records, normalize: true);

    private static RecordValidationResult Run(ReadOnlySpan<byte> records, RecordValidationOptions options, Span<byte> normalized, bool normalize)
    {
        int batches = 0, totalRecords = 0, position = 0;
        while (position < records.Length)
        {
            var remaining = records[position..];
            if (remaining.Length < RecordBatchLayout.LogOverhead + 5)
                return RecordValidationResult.Fail(RecordValidationError.CorruptMessage,
                    $"The records end with {remaining.Length} stray bytes, too few for a batch header.", batches);

            int batchLength = BinaryPrimitives.ReadInt32BigEndian(remaining[RecordBatchLayout.BatchLength..]);
            byte magic = remaining[RecordBatchLayout.Magic];
            const int LegacyMinimumMessageSize = 14; // crc, magic, attributes, key and value lengths of message format v0
            bool lengthFits = batchLength >= LegacyMinimumMessageSize && batchLength <= remaining.Length - RecordBatchLayout.LogOverhead;
            if (magic != RecordBatchLayout.CurrentMagic)
                // Message sets v0/v1 keep magic at the same position; anything else there is just bad bytes.
                return magic is 0 or 1 && lengthFits
                    ? RecordValidationResult.Fail(RecordValidationError.UnsupportedMagic,
                        $"Batch {batches} has magic {magic}; this broker accepts only record batch v2 (magic 2). Upgrade the client.", batches)
                    : RecordValidationResult.Fail(RecordValidationError.CorruptMessage,
                        $"Batch {batches} has magic {magic} and length {batchLength}; these bytes are not a record batch.", batches);
            if (batchLength < RecordBatchLayout.MinBatchLength || batchLength > remaining.Length - RecordBatchLayout.LogOverhead)
                return RecordValidationResult.Fail(RecordValidationError.CorruptMessage,
                    $"Batch {batches} declares length {batchLength} but {remaining.Length - RecordBatchLayout.LogOverhead} bytes follow.", batches);

            int totalSize = RecordBatchLayout.LogOverhead + batchLength;
            if (totalSize > options.MaxMessageBytes)
                return RecordValidationResult.Fail(RecordValidationError.MessageTooLarge,
                    $"Batch {batches} is {totalSize} bytes, above max.message.bytes {options.MaxMessageBytes}. Send smaller batches or raise the topic's max.message.bytes.", batches);

            var batch = remaining[..totalSize];
            var header = RecordBatchHeader.Parse(batch);
            uint crc = RecordBatchHeader.ComputeCrc(batch);
            if (crc != header.Crc)
                return RecordValidationResult.Fail(RecordValidationError.CorruptMessage,
                    $"Batch {batches} fails its CRC-32C check (stored 0x{header.Crc:X8}, computed 0x{crc:X8}).", batches);

            var outcome = CheckBatch(header, batch, options, batches, out long maxTimestamp);
            if (outcome is { } failure) return failure;

            if (normalize && header.TimestampType == TimestampType.CreateTime && header.RecordCount > 0 && maxTimestamp != header.MaxTimestamp)
                RecordBatchBuilder.SetMaxTimestamp(normalized.Slice(position, totalSize), maxTimestamp);

            totalRecords += header.RecordCount;
            batches++;
            position += totalSize;
        }

        if (batches == 0)
            return RecordValidationResult.Fail(RecordValidationError.InvalidRecord, "The request carries no record batch for this partition.", 0);
        if (options.RequireSingleBatch && batches > 1)
            return RecordValidationResult.Fail(RecordValidationError.MultipleBatches,
                $"The request carries {batches} record batches for one partition; Kafka allows exactly one.", 1, batches, totalRecords);
        if (records.Length > options.MaxTotalBytes)
            return RecordValidationResult.Fail(RecordValidationError.RecordListTooLarge,
                $"The records total {records.Length} bytes, more than a log segment ({options.MaxTotalBytes} bytes) holds.", 0, batches, totalRecords);
        return RecordValidationResult.Valid(batches, totalRecords);
    }

    private static RecordValidationResult? CheckBatch(in RecordBatchHeader header, ReadOnlySpan<byte> batch, RecordValidationOptions options, int index, out long maxTimestamp)
    {
        maxTimestamp = -1;
        if (!header.HasKnownCompression)
            return RecordValidationResult.Fail(RecordValidationError.UnsupportedCompression,
                $"Batch {index} uses compression codec {header.Attributes & RecordBatchLayout.CompressionMask}; Kafka defines 0-4 (none, gzip, snappy, lz4, zstd).", index);
        if (header.IsControl && !options.AllowControlBatches)
            return RecordValidationResult.Fail(RecordValidationError.ControlBatchNotAllowed,
                $"Batch {index} is a control batch; only the broker writes transaction markers.", index);
        if (header.RecordCount < 1 || header.LastOffsetDelta != header.RecordCount - 1)
            return RecordValidationResult.Fail(RecordValidationError.InvalidRecord,
                $"Batch {index} declares {header.RecordCount} records but lastOffsetDelta {header.LastOffsetDelta}; they must be n and n-1.", index);
        if (header.IsTransactional && header.ProducerId < 0)
            return RecordValidationResult.Fail(RecordValidationError.InvalidRecord,
                $"Batch {index} is transactional but has no producer id.", index);
        if (header.ProducerId >= 0 && (header.ProducerEpoch < 0 || (header.BaseSequence < 0 && !header.IsControl)))
            return RecordValidationResult.Fail(RecordValidationError.InvalidRecord,
                $"Batch {index} has producer id {header.ProducerId} but epoch {header.ProducerEpoch} and base sequence {header.BaseSequence}; both must be >= 0.", index);

        var block = batch[RecordBatchLayout.Records..];
        if (header.Compression == CompressionType.None)
            return WalkRecords(header, block, options, index, out maxTimestamp);

        using var buffer = new PooledBuffer(block.Length * 4);
        try
        {
            RecordCompression.Decompress(header.Compression, block, buffer);
        }
        catch (CorruptRecordException e)
        {
            return RecordValidationResult.Fail(RecordValidationError.CorruptMessage, $"Batch {index}: {e.Reason}", index);
        }
        return WalkRecords(header, buffer.WrittenSpan, options, index, out maxTimestamp);
    }

    private static RecordValidationResult? WalkRecords(in RecordBatchHeader header, ReadOnlySpan<byte> records, RecordValidationOptions options, int index, out long maxTimestamp)
    {
        maxTimestamp = -1;
        int position = 0;
        for (int i = 0; i < header.RecordCount; i++)
        {
            if (RawRecord.TryDecode(records, ref position, out var record) is { } error)
                return RecordValidationResult.Fail(RecordValidationError.CorruptMessage, $"Batch {index}, record {i}: {error}.", index);
            if (record.OffsetDelta != i)
                return RecordValidationResult.Fail(RecordValidationError.InvalidRecord,
                    $"Batch {index}, record {i} has offset delta {record.OffsetDelta}; deltas must run 0..{header.RecordCount - 1}.", index);
            if (options.RequireKeys && !record.HasKey && !header.IsControl)
                return RecordValidationResult.Fail(RecordValidationError.MissingKey,
                    $"Batch {index}, record {i} has no key; a compacted topic (cleanup.policy=compact) needs a key on every record.", index);
            maxTimestamp = Math.Max(maxTimestamp, header.BaseTimestamp + record.TimestampDelta);
        }
        if (position != records.Length)
            return RecordValidationResult.Fail(RecordValidationError.CorruptMessage,
                $"Batch {index} has {records.Length - position} bytes after its {header.RecordCount} records.", index);
        return null;
    }
}
