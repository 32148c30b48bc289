namespace ChatStreams.Kafka.Broker.Records;

/// <summary>Why a Produce request's records were refused. <see cref="RecordValidationResult.KafkaErrorCode"/> gives Kafka's code.</summary>
public enum RecordValidationError
{
    None = 0,

    /// <summary>Bad framing, CRC mismatch, undecodable or malformed records (CORRUPT_MESSAGE, 2).</summary>
    CorruptMessage,

    /// <summary>Records that decode but break a rule: counts vs offsets, producer fields (INVALID_RECORD, 87).</summary>
    InvalidRecord,

    /// <summary>A batch with magic other than 2 (INVALID_RECORD, 87 — Produce v3+ allows only record batch v2).</summary>
    UnsupportedMagic,

    /// <summary>Codec bits 5-7 (UNSUPPORTED_COMPRESSION_TYPE, 76).</summary>
    UnsupportedCompression,

    /// <summary>A batch larger than max.message.bytes (MESSAGE_TOO_LARGE, 10).</summary>
    MessageTooLarge,

    /// <summary>All batches together larger than a segment (RECORD_LIST_TOO_LARGE, 18).</summary>
    RecordListTooLarge,

    /// <summary>A record without a key sent to a compacted topic (INVALID_RECORD, 87).</summary>
    MissingKey,

    /// <summary>A client sent a control batch; only the broker writes those (INVALID_RECORD, 87).</summary>
    ControlBatchNotAllowed,

    /// <summary>More than one batch for a partition while <see cref="RecordValidationOptions.RequireSingleBatch"/> (INVALID_RECORD, 87).</summary>
    MultipleBatches,
}

/// <summary>Limits and rules for <see cref="RecordBatchValidator"/>; usually made by PartitionLog from its topic config.</summary>
public sealed record RecordValidationOptions
{
    /// <summary>max.message.bytes: the largest batch (after compression).</summary>
    public int MaxMessageBytes { get; init; } = 1048588;

    /// <summary>Compacted topics refuse records without a key.</summary>
    public bool RequireKeys { get; init; }

    /// <summary>Kafka's Produce v3+ allows one batch per partition; set to enforce it.</summary>
    public bool RequireSingleBatch { get; init; }

    /// <summary>Control batches are written by the broker only; clients are refused unless this is set.</summary>
    public bool AllowControlBatches { get; init; }

    /// <summary>Largest total size of one append (segment.bytes); larger sets cannot fit a segment.</summary>
    public int MaxTotalBytes { get; init; } = int.MaxValue;
}

/// <summary>Outcome of validating a Produce request's records field.</summary>
public readonly record struct RecordValidationResult(
    RecordValidationError Error,
    string? Reason,
    int BatchCount,
    int RecordCount,
    int FailedBatchIndex)
{
    public bool IsValid => Error == RecordValidationError.None;

    /// <summary>The Kafka protocol error code for the partition response (0 when valid).</summary>
    public short KafkaErrorCode => Error switch
    {
        RecordValidationError.None => 0,
        RecordValidationError.CorruptMessage => 2,
        RecordValidationError.MessageTooLarge => 10,
        RecordValidationError.RecordListTooLarge => 18,
        RecordValidationError.UnsupportedCompression => 76,
        _ => 87,
    };

    internal static RecordValidationResult Valid(int batches, int records) =>
        new(RecordValidationError.None, null, batches, records, -1);

    internal static RecordValidationResult Fail(RecordValidationError error, string reason, int batchIndex, int batches = 0, int records = 0) =>
        new(error, reason, batches, records, batchIndex);
}
