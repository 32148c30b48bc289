using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Serialization;

namespace ChatStreams.Streams.Dsl;

/// <summary>
/// A record stream in the fluent DSL (Kafka Streams' KStream). Each operator adds a node to the builder's topology and
/// returns the stream after it. Serdes known from the source follow the stream while the key/value type stays the same
/// CLR type; after an operator that changes a type, Repartition and To need that serde passed in. The DSL never repartitions
/// implicitly: after changing the key, call <see cref="Repartition"/> before stateful processing by key.
/// </summary>
public sealed class KStream<TKey, TValue>
{
    private readonly StreamsBuilder _builder;

    internal KStream(StreamsBuilder builder, string nodeName, ISerde<TKey>? keySerde, ISerde<TValue>? valueSerde)
    {
        _builder = builder;
        NodeName = nodeName;
        KeySerde = keySerde;
        ValueSerde = valueSerde;
    }

    /// <summary>The topology node this stream comes out of.</summary>
    public string NodeName { get; }

    internal ISerde<TKey>? KeySerde { get; }
    internal ISerde<TValue>? ValueSerde { get; }

    /// <summary>Keeps records matching <paramref name="predicate"/>.</summary>
    public KStream<TKey, TValue> Filter(Func<TKey, TValue, bool> predicate, string? name = null) =>
        Then(name, "KSTREAM-FILTER-", () => new FilterProcessor<TKey, TValue>(predicate, keepMatches: true), KeySerde, ValueSerde);

    /// <summary>Drops records matching <paramref name="predicate"/>.</summary>
    public KStream<TKey, TValue> FilterNot(Func<TKey, TValue, bool> predicate, string? name = null) =>
        Then(name, "KSTREAM-FILTER-", () => new FilterProcessor<TKey, TValue>(predicate, keepMatches: false), KeySerde, ValueSerde);

    public KStream<TKey, TNewValue> MapValues<TNewValue>(Func<TValue, TNewValue> mapper, string? name = null) =>
        MapValues((_, v) => mapper(v), name);

    public KStream<TKey, TNewValue> MapValues<TNewValue>(Func<TKey, TValue, TNewValue> mapper, string? name = null) =>
        Then(name, "KSTREAM-MAPVALUES-", () => new MapValuesProcessor<TKey, TValue, TNewValue>(mapper), KeySerde, ValueSerde as ISerde<TNewValue>);

    /// <summary>New key and value per record (no repartition: see the class remarks).</summary>
    public KStream<TNewKey, TNewValue> Map<TNewKey, TNewValue>(Func<TKey, TValue, (TNewKey Key, TNewValue Value)> mapper, string? name = null) =>
        Then(name, "KSTREAM-MAP-", () => new MapProcessor<TKey, TValue, TNewKey, TNewValue>(mapper), KeySerde as ISerde<TNewKey>, ValueSerde as ISerde<TNewValue>);

    /// <summary>New key per record, same value (no repartition: see the class remarks).</summary>
    public KStream<TNewKey, TValue> SelectKey<TNewKey>(Func<TKey, TValue, TNewKey> selector, string? name = null) =>
        Then(name, "KSTREAM-KEY-SELECT-", () => new SelectKeyProcessor<TKey, TValue, TNewKey>(selector), KeySerde as ISerde<TNewKey>, ValueSerde);

    /// <summary>Runs <paramref name="action"/> for each record and passes it on unchanged.</summary>
    public KStream<TKey, TValue> Peek(Action<TKey, TValue> action, string? name = null) =>
        Then(name, "KSTREAM-PEEK-", () => new ActionProcessor<TKey, TValue>(action), KeySerde, ValueSerde);

    /// <summary>Runs <paramref name="action"/> for each record; ends the stream.</summary>
    public void ForEach(Action<TKey, TValue> action, string? name = null) =>
        Then(name, "KSTREAM-FOREACH-", () => new ActionProcessor<TKey, TValue>(action), KeySerde, ValueSerde);

    /// <summary>A Processor API processor (one new instance per task from <paramref name="supplier"/>) with access to the named stores.</summary>
    public KStream<TKeyOut, TValueOut> Process<TKeyOut, TValueOut>(Func<IProcessor<TKey, TValue, TKeyOut, TValueOut>> supplier, params string[] storeNames) =>
        Process(supplier, null, storeNames);

    public KStream<TKeyOut, TValueOut> Process<TKeyOut, TValueOut>(Func<IProcessor<TKey, TValue, TKeyOut, TValueOut>> supplier, Named? named, params string[] storeNames)
    {
        var stream = Then(named?.Name, "KSTREAM-PROCESSOR-", supplier, KeySerde as ISerde<TKeyOut>, ValueSerde as ISerde<TValueOut>);
        if (storeNames.Length > 0) _builder.Mutate().ConnectProcessorAndStateStores(stream.NodeName, storeNames);
        return stream;
    }

    /// <summary>
    /// Writes the stream through the internal topic "&lt;application id&gt;-&lt;name&gt;-repartition" and reads it back, so
    /// records are partitioned by their current key (murmur2) and the rest runs in a new sub-topology.
    /// </summary>
    /// <param name="partitions">Partitions of the topic; null: as many as the largest source topic.</param>
    public KStream<TKey, TValue> Repartition(string? name = null, ISerde<TKey>? keySerde = null, ISerde<TValue>? valueSerde = null, int? partitions = null)
    {
        if (partitions is < 1) throw new ArgumentOutOfRangeException(nameof(partitions), partitions, "a repartition topic needs at least one partition");
        var ks = keySerde ?? KeySerde ?? throw MissingSerde("key", "Repartition", nameof(keySerde));
        var vs = valueSerde ?? ValueSerde ?? throw MissingSerde("value", "Repartition", nameof(valueSerde));
        var topology = _builder.Mutate();
        var baseName = _builder.NodeName(name, "KSTREAM-REPARTITION-");
        var topicName = baseName + "-repartition";
        var sinkName = name is null ? _builder.NodeName(null, "KSTREAM-SINK-") : baseName + "-repartition-sink";
        var sourceName = name is null ? _builder.NodeName(null, "KSTREAM-SOURCE-") : baseName + "-repartition-source";
        topology.AddRepartitionTopic(topicName, partitions);
        topology.AddSink(sinkName, Topology.InternalTopicName(topicName), ks, vs, NodeName);
        topology.AddSource(sourceName, ks, vs, Topology.InternalTopicName(topicName));
        return new KStream<TKey, TValue>(_builder, sourceName, ks, vs);
    }

    /// <summary>Writes the stream to <paramref name="topic"/>, partitioned by key with murmur2.</summary>
    public void To(string topic, ISerde<TKey>? keySerde = null, ISerde<TValue>? valueSerde = null, string? name = null)
    {
        if (string.IsNullOrWhiteSpace(topic)) throw new ArgumentException("a sink needs a topic", nameof(topic));
        _builder.Mutate().AddSink(_builder.NodeName(name, "KSTREAM-SINK-"), topic,
            keySerde ?? KeySerde ?? throw MissingSerde("key", "To", nameof(keySerde)),
            valueSerde ?? ValueSerde ?? throw MissingSerde("value", "To", nameof(valueSerde)), NodeName);
    }

    /// <summary>Writes each record to the topic <paramref name="topicExtractor"/> picks for it (e.g. "delivery." + edge id).</summary>
    public void To(Func<TKey, TValue, string> topicExtractor, ISerde<TKey>? keySerde = null, ISerde<TValue>? valueSerde = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(topicExtractor);
        _builder.Mutate().AddSink(_builder.NodeName(name, "KSTREAM-SINK-"), r => topicExtractor(r.Key, r.Value),
            keySerde ?? KeySerde ?? throw MissingSerde("key", "To", nameof(keySerde)),
            valueSerde ?? ValueSerde ?? throw MissingSerde("value", "To", nameof(valueSerde)), NodeName);
    }

    /// <summary>One stream of the records of both streams.</summary>
    public KStream<TKey, TValue> Merge(KStream<TKey, TValue> other, string? name = null)
    {
        if (other._builder != _builder) throw new ArgumentException("cannot merge streams of different StreamsBuilders", nameof(other));
        var node = _builder.NodeName(name, "KSTREAM-MERGE-");
        _builder.Mutate().AddProcessor(node, () => new PassThroughProcessor<TKey, TValue>(), NodeName, other.NodeName);
        return new KStream<TKey, TValue>(_builder, node, KeySerde ?? other.KeySerde, ValueSerde ?? other.ValueSerde);
    }

    /// <summary>Splits the stream by predicates: each record goes to the first branch that matches.</summary>
    public BranchedKStream<TKey, TValue> Split(string? name = null)
    {
        var branches = new List<(Func<TKey, TValue, bool>, string)>();
        var node = _builder.NodeName(name, "KSTREAM-BRANCH-");
        _builder.Mutate().AddProcessor(node, () => new BranchProcessor<TKey, TValue>(branches), NodeName);
        return new BranchedKStream<TKey, TValue>(_builder, node, branches, KeySerde, ValueSerde);
    }

    private KStream<TNewKey, TNewValue> Then<TNewKey, TNewValue>(string? name, string prefix,
        Func<IProcessor<TKey, TValue, TNewKey, TNewValue>> supplier, ISerde<TNewKey>? keySerde, ISerde<TNewValue>? valueSerde)
    {
        var node = _builder.NodeName(name, prefix);
        _builder.Mutate().AddProcessor(node, supplier, NodeName);
        return new KStream<TNewKey, TNewValue>(_builder, node, keySerde, valueSerde);
    }

    private InvalidOperationException MissingSerde(string which, string op, string parameter) => new(
        $"{op} after '{NodeName}' needs a {which} serde: the {which} type changed since the source, so pass {parameter}");
}
