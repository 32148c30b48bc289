using ChatStreams.Streams.Runtime;
using ChatStreams.Streams.State;

namespace ChatStreams.Streams.Processor;

/// <summary>The context one processor instance sees: forwarding to its children, its stores, punctuation.</summary>
internal sealed class ProcessorContext<TKeyOut, TValueOut>(StreamTaskContext task, string processorName, IReadOnlyList<string> storeNames)
    : IProcessorContext<TKeyOut, TValueOut>
{
    private IRecordReceiver<TKeyOut, TValueOut>[] _children = [];
    private Dictionary<string, IRecordReceiver<TKeyOut, TValueOut>> _childrenByName = new(StringComparer.Ordinal);

    public string ApplicationId => task.ApplicationId;
    public TaskId TaskId => task.TaskId;
    public RecordMetadata? RecordMetadata => task.CurrentRecord;
    public long CurrentStreamTimeMs => task.StreamTime;
    public long CurrentSystemTimeMs => task.WallClockMs;

    public void SetChildren(IRecordReceiver<TKeyOut, TValueOut>[] children)
    {
        _children = children;
        _childrenByName = children.ToDictionary(c => c.Name, StringComparer.Ordinal);
    }

    public void Forward(Record<TKeyOut, TValueOut> record, string? childName = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (childName is null)
        {
            foreach (var child in _children) child.Receive(record);
            return;
        }
        if (!_childrenByName.TryGetValue(childName, out var named))
            throw new InvalidOperationException(
                $"processor '{processorName}' has no child named '{childName}' (children: {(_children.Length == 0 ? "none" : string.Join(", ", _childrenByName.Keys))})");
        named.Receive(record);
    }

    public TStore GetStateStore<TStore>(string name) where TStore : IStateStore
    {
        if (!storeNames.Contains(name))
            throw new InvalidOperationException(
                $"processor '{processorName}' is not connected to state store '{name}': connect it with Topology.AddStateStore(builder, \"{processorName}\"), " +
                $"Topology.ConnectProcessorAndStateStores or the store names of KStream.Process (connected: {(storeNames.Count == 0 ? "none" : string.Join(", ", storeNames))})");
        var store = task.Stores?.Get(name) ?? throw new InvalidOperationException($"state store '{name}' of task {task.TaskId} is not open yet");
        if (store is not TStore typed)
            throw new InvalidCastException($"state store '{name}' is a {store.GetType().Name}, which is not a {typeof(TStore).Name}");
        return typed;
    }

    public ICancellable Schedule(TimeSpan interval, PunctuationType type, Action<long> punctuator)
    {
        ArgumentNullException.ThrowIfNull(punctuator);
        var intervalMs = (long)interval.TotalMilliseconds;
        if (intervalMs < 1) throw new ArgumentOutOfRangeException(nameof(interval), interval, "a punctuation interval must be at least 1 ms");
        switch (type)
        {
            case PunctuationType.StreamTime:
            {
                // Aligned to 0 like Kafka Streams: fires as soon as there is data, then at each interval boundary.
                var schedule = new PunctuationSchedule(processorName, 0, intervalMs, punctuator);
                task.StreamTimePunctuations.Add(schedule);
                return schedule;
            }
            case PunctuationType.WallClockTime:
            {
                var schedule = new PunctuationSchedule(processorName, task.WallClockMs + intervalMs, intervalMs, punctuator);
                task.WallClockPunctuations.Add(schedule);
                return schedule;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "unknown punctuation type");
        }
    }

    public void Commit() => task.CommitRequested = true;
}
