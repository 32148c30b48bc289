using ChatStreams.Streams.Processor;

namespace ChatStreams.Topologies;

/// <summary>
/// Passes on the records whose value is a <typeparamref name="TOut"/>: a processor that emits several record types
/// forwards them through one of these per type, so each sink gets the serde of its topic.
/// </summary>
public sealed class RecordsOfType<TIn, TOut> : IProcessor<string, TIn, string, TOut> where TOut : TIn
{
    private IProcessorContext<string, TOut> _context = null!;

    public void Init(IProcessorContext<string, TOut> context) => _context = context;

    public void Process(Record<string, TIn> record)
    {
        if (record.Value is TOut value) _context.Forward(record.WithValue(value));
    }

}
