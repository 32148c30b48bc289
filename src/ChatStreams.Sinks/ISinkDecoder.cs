using Confluent.Kafka;

namespace ChatStreams.Sinks;

/// <summary>
/// Turns a consumed record into what the sink writes. Returns null for a record the sink has no use for (it is
/// committed past). Throws <see cref="UnreadableRecordException"/> for a record that can never be read (skipped and
/// logged); any other exception is taken as passing (the schema registry is down) and the record is decoded again later.
/// </summary>
public interface ISinkDecoder<T> where T : class
{
    /// <summary>The topics the sink consumes.</summary>
    IReadOnlyList<string> Topics { get; }

    Task<T?> DecodeAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken ct);
}

/// <summary>A record no retry will make readable (bad bytes, unknown schema): a poison record.</summary>
public sealed class UnreadableRecordException(string message, Exception? inner = null) : Exception(message, inner);
