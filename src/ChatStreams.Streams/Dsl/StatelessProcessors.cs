using ChatStreams.Streams.Processor;

namespace ChatStreams.Streams.Dsl;

// The DSL's stateless operators, each a plain Processor API processor. Timestamps and headers pass through unchanged.

internal sealed class FilterProcessor<TKey, TValue>(Func<TKey, TValue, bool> predicate, bool keepMatches) : IProcessor<TKey, TValue, TKey, TValue>
{
    private IProcessorContext<TKey, TValue> _context = null!;

    public void Init(IProcessorContext<TKey, TValue> context) => _context = context;

    public void Process(Record<TKey, TValue> record)
    {
        if (predicate(record.Key, record.Value) == keepMatches) _context.Forward(record);
    }
}

internal sealed class MapValuesProcessor<TKey, TValue, TNewValue>(Func<TKey, TValue, TNewValue> mapper) : IProcessor<TKey, TValue, TKey, TNewValue>
{
    private IProcessorContext<TKey, TNewValue> _context = null!;

    public void Init(IProcessorContext<TKey, TNewValue> context) => _context = context;

    public void Process(Record<TKey, TValue> record) => _context.Forward(record.WithValue(mapper(record.Key, record.Value)));
}

internal sealed class MapProcessor<TKey, TValue, TNewKey, TNewValue>(Func<TKey, TValue, (TNewKey Key, TNewValue Value)> mapper)
    : IProcessor<TKey, TValue, TNewKey, TNewValue>
{
    private IProcessorContext<TNewKey, TNewValue> _context = null!;

    public void Init(IProcessorContext<TNewKey, TNewValue> context) => _context = context;

    public void Process(Record<TKey, TValue> record)
    {
        var (key, value) = mapper(record.Key, record.Value);
        _context.Forward(new Record<TNewKey, TNewValue>(key, value, record.Timestamp, record.Headers));
    }
}

internal sealed class SelectKeyProcessor<TKey, TValue, TNewKey>(Func<TKey, TValue, TNewKey> selector) : IProcessor<TKey, TValue, TNewKey, TValue>
{
    private IProcessorContext<TNewKey, TValue> _context = null!;

    public void Init(IProcessorContext<TNewKey, TValue> context) => _context = context;

    public void Process(Record<TKey, TValue> record) => _context.Forward(record.WithKey(selector(record.Key, record.Value)));
}

/// <summary>Peek (forwards after the action) and ForEach (terminal: has no children to forward to).</summary>
internal sealed class ActionProcessor<TKey, TValue>(Action<TKey, TValue> action) : IProcessor<TKey, TValue, TKey, TValue>
{
    private IProcessorContext<TKey, TValue> _context = null!;

    public void Init(IProcessorContext<TKey, TValue> context) => _context = context;

    public void Process(Record<TKey, TValue> record)
    {
        action(record.Key, record.Value);
        _context.Forward(record);
    }
}

/// <summary>Merge inputs and branch outputs: forwards every record unchanged.</summary>
internal sealed class PassThroughProcessor<TKey, TValue> : IProcessor<TKey, TValue, TKey, TValue>
{
    private IProcessorContext<TKey, TValue> _context = null!;

    public void Init(IProcessorContext<TKey, TValue> context) => _context = context;

    public void Process(Record<TKey, TValue> record) => _context.Forward(record);
}

/// <summary>Split: sends each record to the first branch whose predicate matches (none: the record is dropped).</summary>
internal sealed class BranchProcessor<TKey, TValue>(IReadOnlyList<(Func<TKey, TValue, bool> Predicate, string Child)> branches)
    : IProcessor<TKey, TValue, TKey, TValue>
{
    private IProcessorContext<TKey, TValue> _context = null!;

    public void Init(IProcessorContext<TKey, TValue> context) => _context = context;

    public void Process(Record<TKey, TValue> record)
    {
        foreach (var (predicate, child) in branches)
        {
            if (!predicate(record.Key, record.Value)) continue;
            _context.Forward(record, child);
            return;
        }
    }
}
