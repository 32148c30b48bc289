using ChatStreams.Kafka.Generations;
using ChatStreams.Streams.Processor;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Streams.Generations;

/// <summary>
/// The first processor after the source of a downstream rescalable topic (chat.events, chat.receipts): drops the
/// rescale's cutover markers (no key, no value) and forwards everything else. Unlike chat.commands, nothing writes an
/// old downstream generation after its markers (they are appended only once its only writer has drained), so there is
/// nothing to forward: the reader's offsets passing the marker is all the procedure waits for.
/// </summary>
public sealed class CutoverMarkerSkip<TKey, TValue>(ILogger? logger = null) : IProcessor<TKey, TValue, TKey, TValue>
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private IProcessorContext<TKey, TValue> _context = null!;

    public void Init(IProcessorContext<TKey, TValue> context) => _context = context;

    public void Process(Record<TKey, TValue> record)
    {
        if (CutoverMarker.TryRead(record.Headers, out var successor))
        {
            _logger.LogInformation("task {Task}: {Topic} partition {Partition} passed its cutover marker; {Successor} follows",
                _context.TaskId, _context.RecordMetadata?.Topic, _context.RecordMetadata?.Partition, successor);
            return;
        }
        _context.Forward(record);
    }
}

/// <summary>Wiring of a <see cref="CutoverMarkerSkip{TKey,TValue}"/>.</summary>
public static class CutoverMarkerSkipTopology
{
    /// <summary>Adds the skip <paramref name="name"/> under <paramref name="source"/>; add the real processors under it.</summary>
    public static Topology AddCutoverMarkerSkip<TKey, TValue>(this Topology topology, string name, string source, ILogger? logger = null) =>
        topology.AddProcessor(name, () => new CutoverMarkerSkip<TKey, TValue>(logger), source);
}
