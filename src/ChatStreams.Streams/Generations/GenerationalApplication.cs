using ChatStreams.Kafka.Generations;
using ChatStreams.Streams.Runtime;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Streams.Generations;

/// <summary>
/// Runs a streams application whose input topic can be rescaled: one <see cref="KafkaStreams"/> instance per
/// generation that must run (<see cref="TopicGenerationState.RunningGenerations"/>), each under its generation's
/// application id. While a rescale runs, the next generation's instance is started held
/// (<see cref="StreamsConfig.HoldTasks"/>): it joins its group and gets its partitions, but restores and processes
/// nothing until the old generation passed every cutover marker and its state was migrated; then it restores the
/// migrated stores from its changelogs and processes the held records in order.
/// </summary>
public sealed class GenerationalApplication : IAsyncDisposable
{
    private readonly TopicGenerationWatcher _watcher;
    private readonly Func<int, (Topology Topology, StreamsConfig Config)> _build;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider? _time;
    private readonly SemaphoreSlim _changing = new(1, 1);
    private readonly Dictionary<int, KafkaStreams> _instances = [];
    private readonly bool _keepFirstGeneration;
    private bool _disposed;

    /// <param name="keepFirstGeneration">Run generation 1 always, even after later rescales retired it: for an
    /// application whose generation-1 instance also holds a part keyed by something else that is never rescaled (the
    /// fan-out's and presence's user-keyed sub-topologies), which every later generation feeds.</param>
    public GenerationalApplication(TopicGenerationWatcher watcher, Func<int, (Topology, StreamsConfig)> build, ILoggerFactory loggers, TimeProvider? time = null,
        bool keepFirstGeneration = false)
    {
        _keepFirstGeneration = keepFirstGeneration;
        _watcher = watcher;
        _build = build;
        _loggers = loggers;
        _time = time;
        _logger = loggers.CreateLogger<GenerationalApplication>();
    }

    /// <summary>Raised when an instance is created (before it starts), e.g. to watch its state.</summary>
    public event Action<int, KafkaStreams>? InstanceCreated;

    /// <summary>The running instances by generation.</summary>
    public IReadOnlyDictionary<int, KafkaStreams> Instances
    {
        get { lock (_instances) return new Dictionary<int, KafkaStreams>(_instances); }
    }

    public async Task StartAsync(CancellationToken ct = default)
    {
        _watcher.Changed += OnChanged;
        await ApplyAsync(_watcher.Current, ct);
    }

    private void OnChanged(TopicGenerationState state) => _ = ApplyInBackgroundAsync(state);

    private async Task ApplyInBackgroundAsync(TopicGenerationState state)
    {
        try
        {
            await ApplyAsync(state, CancellationToken.None);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "could not start generation processors of {Topic} for phase {Phase}", state.Topic, state.Phase);
        }
    }

    private async Task ApplyAsync(TopicGenerationState state, CancellationToken ct)
    {
        await _changing.WaitAsync(ct);
        try
        {
            if (_disposed) return;
            foreach (var generation in Running(state))
            {
                lock (_instances)
                    if (_instances.ContainsKey(generation)) continue;
                var (topology, config) = _build(generation);
                var held = generation;
                config.HoldTasks = () => _watcher.Current.IsHeld(held);
                var instance = new KafkaStreams(topology, config, _loggers, _time);
                lock (_instances) _instances[generation] = instance;
                InstanceCreated?.Invoke(generation, instance);
                await instance.StartAsync(ct);
                _logger.LogInformation("{ApplicationId} started for generation {Generation} of {Topic}", config.ApplicationId, generation, state.Topic);
            }
        }
        finally
        {
            _changing.Release();
        }
    }

    /// <summary>The generations to run in this phase.</summary>
    public IReadOnlyList<int> Running(TopicGenerationState state)
    {
        var running = state.RunningGenerations();
        return _keepFirstGeneration && !running.Contains(1) ? [1, .. running] : running;
    }

    public async ValueTask DisposeAsync()
    {
        _watcher.Changed -= OnChanged;
        await _changing.WaitAsync();
        try
        {
            _disposed = true;
            List<KafkaStreams> all;
            lock (_instances) all = _instances.Values.ToList();
            await Task.WhenAll(all.Select(i => i.CloseAsync(TimeSpan.FromSeconds(30))));
            lock (_instances) _instances.Clear();
        }
        finally
        {
            _changing.Release();
        }
    }
}
