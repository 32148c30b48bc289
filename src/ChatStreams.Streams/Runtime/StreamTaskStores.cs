using ChatStreams.Streams.State;
using Confluent.Kafka;

namespace ChatStreams.Streams.Runtime;

/// <summary>The state stores of one task: built from their builders, opened with a store context, flushed and closed together.</summary>
internal sealed class StreamTaskStores
{
    private readonly StreamTaskContext _task;
    private readonly Dictionary<string, (StoreDefinition Definition, IStateStore Store)> _stores = new(StringComparer.Ordinal);

    // Stores whose Init succeeded: only these are flushed and closed (also when a later store failed to open).
    private readonly List<(string Name, IStateStore Store)> _open = [];

    public StreamTaskStores(StreamTaskContext task, IEnumerable<StoreDefinition> definitions, string stateDirectoryRoot)
    {
        _task = task;
        TaskDirectory = Path.Combine(stateDirectoryRoot, task.ApplicationId, task.TaskId.ToString());
        var changelogs = new Dictionary<string, TopicPartition>(StringComparer.Ordinal);
        foreach (var definition in definitions)
        {
            var name = definition.Builder.Name;
            var store = definition.Builder.Build() ?? throw new InvalidOperationException($"the builder of state store '{name}' returned null");
            if (store.Name != name)
                throw new InvalidOperationException($"the builder of state store '{name}' built a store named '{store.Name}': the names must match");
            _stores[name] = (definition, store);
            if (definition.Builder.LoggingEnabled)
                changelogs[name] = new TopicPartition(definition.ChangelogTopic(task.ApplicationId), task.TaskId.Partition);
        }
        ChangelogPartitions = changelogs;
    }

    /// <summary>&lt;state dir&gt;/&lt;application id&gt;/&lt;task id&gt;.</summary>
    public string TaskDirectory { get; }

    public IReadOnlyDictionary<string, TopicPartition> ChangelogPartitions { get; }

    public IEnumerable<string> Names => _stores.Keys;

    public IStateStore? Get(string name) => _stores.TryGetValue(name, out var s) ? s.Store : null;

    public void Init()
    {
        foreach (var (name, (definition, store)) in _stores)
        {
            try
            {
                if (store.Persistent) Directory.CreateDirectory(TaskDirectory);
                var changelog = ChangelogPartitions.TryGetValue(name, out var tp) ? new StreamTaskChangelogWriter(_task, tp) : null;
                store.Init(new StreamTaskStoreContext(_task, TaskDirectory, changelog));
                _open.Add((name, store));
            }
            catch (Exception e) when (e is not StreamTaskException)
            {
                throw new StreamTaskException(_task.TaskId, name, null,
                    $"task {_task.TaskId}: state store '{name}' could not be opened ({definition.Builder.GetType().Name}): {e.Message}", e);
            }
        }
    }

    public void Flush()
    {
        foreach (var (name, store) in _open)
        {
            try
            {
                store.Flush();
            }
            catch (Exception e)
            {
                throw new StreamTaskException(_task.TaskId, name, null, $"task {_task.TaskId}: state store '{name}' could not be flushed: {e.Message}", e);
            }
        }
    }

    /// <summary>Closes every open store, even when one fails; returns the errors.</summary>
    public List<Exception> Close()
    {
        var errors = new List<Exception>();
        foreach (var (name, store) in _open)
        {
            try
            {
                store.Close();
            }
            catch (Exception e)
            {
                errors.Add(new StreamTaskException(_task.TaskId, name, null, $"task {_task.TaskId}: state store '{name}' could not be closed: {e.Message}", e));
            }
        }
        _open.Clear();
        return errors;
    }
}
