using System.Buffers.Binary;
using ChatStreams.Streams;
using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;

namespace ChatStreams.Bench.Streams;

/// <summary>The topologies the streams benchmark runs.</summary>
public static class BenchTopologies
{
    public const string CountStore = "counts";

    /// <summary>Source → sink, bytes unchanged: the runtime's overhead with no work in between.</summary>
    public static Topology PassThrough(string input, string output) => new Topology()
        .AddSource("in", Serdes.ByteArray, Serdes.ByteArray, input)
        .AddProcessor<byte[]?, byte[]?, byte[]?, byte[]?>("pass", () => new Forward(), "in")
        .AddSink("out", output, Serdes.ByteArray, Serdes.ByteArray, "pass");

    /// <summary>Count per key in a changelogged store, "&lt;key&gt;:&lt;count&gt;" out (the guarantee tests' topology).</summary>
    public static Topology Count(string input, string output, bool persistent, string storeName = CountStore) => new Topology()
        .AddSource("in", Serdes.String, Serdes.String, input)
        .AddProcessor<string, string, string, string>("count", () => new Counter(storeName), "in")
        .AddStateStore(Stores.KeyValueStoreBuilder(
            persistent ? Stores.PersistentKeyValueStore(storeName) : Stores.InMemoryKeyValueStore(storeName), Serdes.String, Serdes.Long), "count")
        .AddSink("out", output, Serdes.String, Serdes.String, "count");

    public static byte[] Long(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }

    private sealed class Forward : IProcessor<byte[]?, byte[]?, byte[]?, byte[]?>
    {
        private IProcessorContext<byte[]?, byte[]?> _context = null!;
        public void Init(IProcessorContext<byte[]?, byte[]?> context) => _context = context;
        public void Process(Record<byte[]?, byte[]?> record) => _context.Forward(record);
    }

    private sealed class Counter(string storeName) : IProcessor<string, string, string, string>
    {
        private IProcessorContext<string, string> _context = null!;
        private IKeyValueStore<string, long> _counts = null!;

        public void Init(IProcessorContext<string, string> context)
        {
            _context = context;
            _counts = context.GetStateStore<IKeyValueStore<string, long>>(storeName);
        }

        public void Process(Record<string, string> record)
        {
            var count = _counts.TryGet(record.Key, out var old) ? old + 1 : 1;
            _counts.Put(record.Key, count);
            _context.Forward(record.WithValue($"{record.Key}:{count}"));
        }
    }
}
