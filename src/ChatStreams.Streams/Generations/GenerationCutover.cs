using ChatStreams.Kafka.Generations;
using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Streams.Generations;

/// <summary>
/// The first processor after the source of a rescalable topic. Records before a partition's cutover marker go on to
/// <c>downstream</c>; the marker itself is remembered (in a logged store, so the fact survives a crash or a move of
/// the task, committed with the offset that passed it); every record after it — written by a producer that never
/// switched — is forwarded unchanged to the next generation's topic, where its key's partition now lives, so nothing
/// is processed against state that has moved and nothing is lost.
/// </summary>
public sealed class GenerationCutover<TKey, TValue>(string downstream, string successorSink, ILogger? logger = null)
    : IProcessor<TKey, TValue, TKey, TValue>
{
    /// <summary>The store of passed markers: input topic → successor topic (at most one entry per input topic and task).</summary>
    public const string StoreName = "generation-cutover";

    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private IProcessorContext<TKey, TValue> _context = null!;
    private IKeyValueStore<string, string> _passed = null!;

    public void Init(IProcessorContext<TKey, TValue> context)
    {
        _context = context;
        _passed = context.GetStateStore<IKeyValueStore<string, string>>(StoreName);
    }

    public void Process(Record<TKey, TValue> record)
    {
        var input = _context.RecordMetadata?.Topic ?? "";
        if (CutoverMarker.TryRead(record.Headers, out var successor))
        {
            if (_passed.TryGet(input, out _)) return; // a marker written again by a resumed rescale
            _passed.Put(input, successor);
            _logger.LogInformation("task {Task}: {Topic} partition {Partition} passed its cutover marker; later records go to {Successor}",
                _context.TaskId, input, _context.RecordMetadata?.Partition, successor);
            _context.Commit();
            return;
        }
        _context.Forward(record, _passed.TryGet(input, out _) ? successorSink : downstream);
    }

    /// <summary>The store the gate needs (in memory, logged: restored from its changelog when the task moves).</summary>
    public static IStoreBuilder Store() =>
        Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore(StoreName), Serdes.String, Serdes.String);
}

/// <summary>Wiring of a <see cref="GenerationCutover{TKey,TValue}"/> into a topology.</summary>
public static class GenerationCutoverTopology
{
    /// <summary>
    /// Adds the gate <paramref name="name"/> under <paramref name="source"/>, its store, and a sink that forwards
    /// post-marker records to <paramref name="successorTopic"/>. Add <paramref name="downstream"/> with parent
    /// <paramref name="name"/> afterwards.
    /// </summary>
    public static Topology AddGenerationCutover<TKey, TValue>(this Topology topology, string name, string source, string downstream,
        string successorTopic, ISerde<TKey> keySerde, ISerde<TValue> valueSerde, ILogger? logger = null)
    {
        var sink = name + "-successor";
        return topology
            .AddProcessor(name, () => new GenerationCutover<TKey, TValue>(downstream, sink, logger), source)
            // Chosen per record, so the runtime looks the topic up only when a record must go there (after a cutover).
            .AddSink(sink, _ => successorTopic, keySerde, valueSerde, name)
            .AddStateStore(GenerationCutover<TKey, TValue>.Store(), name);
    }
}
