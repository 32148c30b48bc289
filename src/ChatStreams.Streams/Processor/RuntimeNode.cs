namespace ChatStreams.Streams.Processor;

/// <summary>A node instance inside one task (source, processor or sink), created from its topology definition.</summary>
internal abstract class RuntimeNode(string name)
{
    public string Name { get; } = name;

    /// <summary>Links the node to its children once, when the task is built.</summary>
    public abstract void Connect(IReadOnlyList<RuntimeNode> children);

    /// <summary>Called once after stores are open and restored.</summary>
    public virtual void Init() { }

    public virtual void Close() { }

    /// <summary>The children as typed receivers; the topology checked the types when it was built.</summary>
    protected IRecordReceiver<TKey, TValue>[] Receivers<TKey, TValue>(IReadOnlyList<RuntimeNode> children) =>
        children.Select(c => c as IRecordReceiver<TKey, TValue> ?? throw new InvalidOperationException(
            $"'{c.Name}' cannot receive records <{typeof(TKey).Name}, {typeof(TValue).Name}> from '{Name}'")).ToArray();
}

/// <summary>A node that takes records of one key/value type (processors and sinks).</summary>
internal interface IRecordReceiver<TKey, TValue>
{
    string Name { get; }
    void Receive(Record<TKey, TValue> record);
}
