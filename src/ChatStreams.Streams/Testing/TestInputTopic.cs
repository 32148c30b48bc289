using ChatStreams.Streams.Serialization;
using Confluent.Kafka;

namespace ChatStreams.Streams.Testing;

/// <summary>
/// Pipes records into one topic of a <see cref="TopologyTestDriver"/> (Kafka Streams' TestInputTopic). Each call
/// returns after the record (and everything it caused) is processed. Records without a timestamp get the topic's
/// current time, which moves by the auto-advance step after each of them or with <see cref="AdvanceTime"/>.
/// </summary>
public sealed class TestInputTopic<TKey, TValue>
{
    private readonly TopologyTestDriver _driver;
    private readonly ISerde<TKey> _keySerde;
    private readonly ISerde<TValue> _valueSerde;
    private readonly TimeSpan _autoAdvance;
    private long _currentTime;

    internal TestInputTopic(TopologyTestDriver driver, string topic, ISerde<TKey> keySerde, ISerde<TValue> valueSerde, DateTimeOffset start, TimeSpan autoAdvance)
    {
        if (autoAdvance < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(autoAdvance), autoAdvance, "auto-advance cannot be negative");
        _driver = driver;
        Topic = topic;
        _keySerde = keySerde;
        _valueSerde = valueSerde;
        _autoAdvance = autoAdvance;
        _currentTime = start.ToUnixTimeMilliseconds();
    }

    public string Topic { get; }

    /// <summary>Timestamp (ms) the next record without one gets.</summary>
    public long CurrentTimeMs => _currentTime;

    /// <summary>Moves the timestamp of the following records (not the wall clock: see TopologyTestDriver.AdvanceWallClockTime).</summary>
    public void AdvanceTime(TimeSpan by)
    {
        if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), by, "time cannot go back");
        _currentTime += (long)by.TotalMilliseconds;
    }

    public void PipeInput(TKey key, TValue value) => PipeInput(new TestRecord<TKey, TValue>(key, value));

    public void PipeInput(TKey key, TValue value, long timestampMs) => PipeInput(new TestRecord<TKey, TValue>(key, value, timestampMs));

    public void PipeInput(TKey key, TValue value, DateTimeOffset timestamp) => PipeInput(key, value, timestamp.ToUnixTimeMilliseconds());

    public void PipeInput(TKey key, TValue value, Headers headers, long? timestampMs = null) =>
        PipeInput(new TestRecord<TKey, TValue>(key, value, timestampMs, headers));

    /// <summary>A record without a key (null key bytes; with several partitions keyless records go round robin).</summary>
    public void PipeInput(TValue value) => Pipe(null, Serialize(value), null, null);

    /// <summary>
    /// A record without a key, at <paramref name="timestamp"/>. (No overload (value, long ms): with long keys and values it
    /// would silently win over (key, value).)
    /// </summary>
    public void PipeInput(TValue value, DateTimeOffset timestamp) => Pipe(null, Serialize(value), null, timestamp.ToUnixTimeMilliseconds());

    public void PipeInput(TestRecord<TKey, TValue> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var key = _keySerde.Serialize(record.Key, new SerdeContext(Topic, record.Headers, true));
        Pipe(key, Serialize(record.Value, record.Headers), record.Headers, record.Timestamp);
    }

    public void PipeRecordList(IEnumerable<TestRecord<TKey, TValue>> records)
    {
        foreach (var r in records) PipeInput(r);
    }

    public void PipeKeyValueList(IEnumerable<KeyValuePair<TKey, TValue>> records)
    {
        foreach (var (k, v) in records) PipeInput(k, v);
    }

    public void PipeValueList(IEnumerable<TValue> values)
    {
        foreach (var v in values) PipeInput(v);
    }

    private byte[]? Serialize(TValue value, Headers? headers = null) => _valueSerde.Serialize(value, new SerdeContext(Topic, headers, false));

    private void Pipe(byte[]? key, byte[]? value, Headers? headers, long? timestampMs)
    {
        long timestamp;
        if (timestampMs is { } explicitTime)
        {
            timestamp = explicitTime;
        }
        else
        {
            timestamp = _currentTime;
            _currentTime += (long)_autoAdvance.TotalMilliseconds;
        }
        // A copy, so processors adding headers do not change the caller's object.
        _driver.Pipe(Topic, key, value, TopologyTestDriver.Copy(headers), timestamp);
    }
}
