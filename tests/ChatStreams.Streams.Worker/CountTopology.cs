using ChatStreams.Streams;
using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;

namespace ChatStreams.Streams.Worker;

/// <summary>
/// The stateful count topology of the runtime's guarantee tests: counts records per key in a changelogged
/// key-value store and emits "&lt;key&gt;:&lt;count&gt;" for every record. Under exactly-once the output for key k is
/// k:1, k:2, … k:n, each exactly once and in order, whatever crashes happen; a lost or repeated store update, a
/// duplicate output or a restore that missed something all break that sequence.
/// </summary>
public static class CountTopology
{
    public const string StoreName = "counts";

    public static Topology Build(string inputTopic, string outputTopic, bool persistentStore)
    {
        var supplier = persistentStore ? Stores.PersistentKeyValueStore(StoreName) : Stores.InMemoryKeyValueStore(StoreName);
        return new Topology()
            .AddSource("input", Serdes.String, Serdes.String, inputTopic)
            .AddProcessor<string, string, string, string>("count", () => new CountProcessor(), "input")
            .AddStateStore(Stores.KeyValueStoreBuilder(supplier, Serdes.String, Serdes.Long), "count")
            .AddSink("output", outputTopic, Serdes.String, Serdes.String, "count");
    }

    private sealed class CountProcessor : IProcessor<string, string, string, string>
    {
        private IProcessorContext<string, string> _context = null!;
        private IKeyValueStore<string, long> _counts = null!;

        public void Init(IProcessorContext<string, string> context)
        {
            _context = context;
            _counts = context.GetStateStore<IKeyValueStore<string, long>>(StoreName);
        }

        public void Process(Record<string, string> record)
        {
            var count = _counts.TryGet(record.Key, out var old) ? old + 1 : 1;
            _counts.Put(record.Key, count);
            _context.Forward(record.WithValue($"{record.Key}:{count}"));
        }
    }
}
