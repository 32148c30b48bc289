using Confluent.Kafka;

namespace ChatStreams.Streams.Testing;

/// <summary>An input record the topology could not deserialize, as sent to the dead-letter topic (raw bytes and the reason).</summary>
public sealed record DeadLetterRecord(
    byte[]? Key,
    byte[]? Value,
    long Timestamp,
    Headers Headers,
    string Reason,
    string SourceTopic,
    int SourcePartition,
    long SourceOffset,
    string TaskId);
