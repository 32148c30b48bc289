using Confluent.Kafka;

namespace ChatStreams.Streams.Processor;

/// <summary>A record flowing through a topology (Kafka Streams' <c>Record&lt;K,V&gt;</c>): key, value, timestamp, headers.</summary>
public sealed record Record<TKey, TValue>(TKey Key, TValue Value, long Timestamp, Headers? Headers = null)
{
    public Record<TNewKey, TValue> WithKey<TNewKey>(TNewKey key) => new(key, Value, Timestamp, Headers);
    public Record<TKey, TNewValue> WithValue<TNewValue>(TNewValue value) => new(Key, value, Timestamp, Headers);
    public Record<TKey, TValue> WithTimestamp(long timestamp) => this with { Timestamp = timestamp };
}
