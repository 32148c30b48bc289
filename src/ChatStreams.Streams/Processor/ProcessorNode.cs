using ChatStreams.Streams.Runtime;

namespace ChatStreams.Streams.Processor;

/// <summary>One task's instance of a user processor, with its own context.</summary>
internal sealed class ProcessorNode<TKeyIn, TValueIn, TKeyOut, TValueOut> : RuntimeNode, IRecordReceiver<TKeyIn, TValueIn>
{
    private readonly StreamTaskContext _task;
    private readonly IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut> _processor;
    private readonly ProcessorContext<TKeyOut, TValueOut> _context;

    public ProcessorNode(ProcessorDefinition<TKeyIn, TValueIn, TKeyOut, TValueOut> definition, StreamTaskContext task) : base(definition.Name)
    {
        _task = task;
        _processor = definition.Supplier() ?? throw new InvalidOperationException($"the supplier of processor '{Name}' returned null");
        // A shared instance would mix the state of several tasks (and of restarts) without any error.
        if (!definition.Issued.TryAdd(_processor, null))
            throw new InvalidOperationException(
                $"the supplier of processor '{Name}' returned an instance it had returned before: return a new processor on every call (one per task)");
        _context = new ProcessorContext<TKeyOut, TValueOut>(task, Name, definition.StoreNames);
    }

    public override void Connect(IReadOnlyList<RuntimeNode> children) => _context.SetChildren(Receivers<TKeyOut, TValueOut>(children));

    public override void Init()
    {
        try
        {
            _processor.Init(_context);
        }
        catch (Exception e) when (e is not StreamTaskException)
        {
            throw _task.Failure(Name, $"Init of processor '{Name}'", e);
        }
    }

    public void Receive(Record<TKeyIn, TValueIn> record)
    {
        // Stores log the timestamp of the record being processed; restore the parent's afterwards.
        var parentTimestamp = _task.CurrentRecordTimestamp;
        _task.CurrentRecordTimestamp = record.Timestamp;
        try
        {
            _processor.Process(record);
        }
        catch (Exception e) when (e is not StreamTaskException)
        {
            throw _task.Failure(Name, $"processor '{Name}'", e);
        }
        finally
        {
            _task.CurrentRecordTimestamp = parentTimestamp;
        }
    }

    public override void Close() => _processor.Close();
}
