using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;

namespace ChatStreams.Streams.Tests.Testing;

/// <summary>
/// A stateful topology for the driver and task tests: counts records per key in a logged key-value store and emits
/// the new count as a long. (The runtime's crash tests use the worker's CountTopology, also run through the driver
/// in <see cref="CountTopologyTests"/>.)
/// </summary>
public static class WordCountTopology
{
    public const string StoreName = "counts";

    public static Topology Build(string inputTopic = "words", string outputTopic = "word-counts", bool persistent = false)
    {
        var store = Stores.KeyValueStoreBuilder(
            persistent ? Stores.PersistentKeyValueStore(StoreName) : Stores.InMemoryKeyValueStore(StoreName), Serdes.String, Serdes.Long);
        return new Topology()
            .AddSource("source", Serdes.String, Serdes.String, inputTopic)
            .AddProcessor("count", () => new CountProcessor(), "source")
            .AddStateStore(store, "count")
            .AddSink("sink", outputTopic, Serdes.String, Serdes.Long, "count");
    }

    public sealed class CountProcessor : IProcessor<string, string, string, long>
    {
        private IProcessorContext<string, long> _context = null!;
        private IKeyValueStore<string, long> _counts = null!;

        public void Init(IProcessorContext<string, long> context)
        {
            _context = context;
            _counts = context.GetStateStore<IKeyValueStore<string, long>>(StoreName);
        }

        public void Process(Record<string, string> record)
        {
            var count = (_counts.TryGet(record.Key, out var c) ? c : 0) + 1;
            _counts.Put(record.Key, count);
            _context.Forward(record.WithValue(count));
        }
    }
}
