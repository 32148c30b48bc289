using ChatStreams.Streams.Serialization;

namespace ChatStreams.Streams.Testing;

/// <summary>
/// Reads what the topology wrote to one topic, in the order it was written (all partitions merged), deserialized
/// with the given serdes (Kafka Streams' TestOutputTopic). Reading removes the record.
/// </summary>
public sealed class TestOutputTopic<TKey, TValue>
{
    private readonly TopologyTestDriver _driver;
    private readonly ISerde<TKey> _keySerde;
    private readonly ISerde<TValue> _valueSerde;

    internal TestOutputTopic(TopologyTestDriver driver, string topic, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
    {
        _driver = driver;
        Topic = topic;
        _keySerde = keySerde;
        _valueSerde = valueSerde;
    }

    public string Topic { get; }

    /// <summary>Records written and not read yet.</summary>
    public int QueueSize => _driver.OutputQueue(Topic).Count;

    public bool IsEmpty => QueueSize == 0;

    public TestRecord<TKey, TValue> ReadRecord()
    {
        var queue = _driver.OutputQueue(Topic);
        if (!queue.TryDequeue(out var r)) throw new InvalidOperationException($"no record to read in output topic '{Topic}'");
        var key = _keySerde.Deserialize(r.Key, r.Key is null, new SerdeContext(r.Topic, r.Headers, true));
        var value = _valueSerde.Deserialize(r.Value, r.Value is null, new SerdeContext(r.Topic, r.Headers, false));
        return new TestRecord<TKey, TValue>(key, value, r.Timestamp, r.Headers) { Topic = r.Topic, Partition = r.Partition, Offset = r.Offset };
    }

    public KeyValuePair<TKey, TValue> ReadKeyValue()
    {
        var r = ReadRecord();
        return new KeyValuePair<TKey, TValue>(r.Key, r.Value);
    }

    public TValue ReadValue() => ReadRecord().Value;

    public List<TestRecord<TKey, TValue>> ReadRecordsToList()
    {
        var list = new List<TestRecord<TKey, TValue>>();
        while (!IsEmpty) list.Add(ReadRecord());
        return list;
    }

    public List<KeyValuePair<TKey, TValue>> ReadKeyValuesToList() => ReadRecordsToList().Select(r => new KeyValuePair<TKey, TValue>(r.Key, r.Value)).ToList();

    public List<TValue> ReadValuesToList() => ReadRecordsToList().Select(r => r.Value).ToList();
}
