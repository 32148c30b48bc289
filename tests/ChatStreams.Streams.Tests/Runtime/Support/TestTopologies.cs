using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;

namespace ChatStreams.Streams.Tests.Runtime.Support;

/// <summary>Small topologies for the runtime tests.</summary>
public static class TestTopologies
{
    /// <summary>Forwards every record unchanged (typed pass-through processor).</summary>
    public sealed class PassThrough<TKey, TValue> : IProcessor<TKey, TValue, TKey, TValue>
    {
        private IProcessorContext<TKey, TValue> _context = null!;
        public void Init(IProcessorContext<TKey, TValue> context) => _context = context;
        public void Process(Record<TKey, TValue> record) => _context.Forward(record);
    }

    /// <summary>Keeps the last value per key in the store "last" (changelogged) and forwards the record.</summary>
    public sealed class RememberLast : IProcessor<string, string, string, string>
    {
        private IProcessorContext<string, string> _context = null!;
        private IKeyValueStore<string, string> _store = null!;

        public void Init(IProcessorContext<string, string> context)
        {
            _context = context;
            _store = context.GetStateStore<IKeyValueStore<string, string>>("last");
        }

        public void Process(Record<string, string> record)
        {
            _store.Put(record.Key, record.Value);
            _context.Forward(record);
        }
    }

    public static IStoreBuilder LastStore(bool persistent = false) =>
        Stores.KeyValueStoreBuilder(persistent ? Stores.PersistentKeyValueStore("last") : Stores.InMemoryKeyValueStore("last"), Serdes.String, Serdes.String);

    /// <summary>One sub-topology reading <paramref name="topics"/> with a changelogged store.</summary>
    public static Topology Reading(params string[] topics) => Reading(false, topics);

    public static Topology Reading(bool persistent, params string[] topics) => new Topology()
        .AddSource("in", Serdes.String, Serdes.String, topics)
        .AddProcessor<string, string, string, string>("remember", () => new RememberLast(), "in")
        .AddStateStore(LastStore(persistent), "remember")
        .AddSink("out", "out", Serdes.String, Serdes.String, "remember");

    /// <summary>in → repartition topic "rekeyed" → a stateful sub-topology.</summary>
    public static Topology WithRepartition(string input, int? repartitionPartitions) => new Topology()
        .AddRepartitionTopic("rekeyed", repartitionPartitions)
        .AddSource("in", Serdes.String, Serdes.String, input)
        .AddSink("to-rekeyed", Topology.InternalTopicName("rekeyed"), Serdes.String, Serdes.String, "in")
        .AddSource("rekeyed-in", Serdes.String, Serdes.String, Topology.InternalTopicName("rekeyed"))
        .AddProcessor<string, string, string, string>("remember", () => new RememberLast(), "rekeyed-in")
        .AddStateStore(LastStore(), "remember")
        .AddSink("out", "out", Serdes.String, Serdes.String, "remember");
}
