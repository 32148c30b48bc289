using Confluent.Kafka;

namespace ChatStreams.Streams.Testing;

/// <summary>
/// A record piped into or read from a <see cref="TopologyTestDriver"/> topic (Kafka Streams' TestRecord).
/// On input a null <see cref="Timestamp"/> means "the input topic's current time"; on output every field is set.
/// </summary>
public sealed record TestRecord<TKey, TValue>(TKey Key, TValue Value, long? Timestamp = null, Headers? Headers = null)
{
    /// <summary>Topic the record was read from (output only).</summary>
    public string? Topic { get; init; }

    /// <summary>Partition the record was written to (output only; always 0 unless the driver has several partitions).</summary>
    public int? Partition { get; init; }

    /// <summary>Offset in its partition (output only).</summary>
    public long? Offset { get; init; }
}
