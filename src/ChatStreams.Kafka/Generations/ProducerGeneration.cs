using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Kafka.Generations;

/// <summary>
/// Which generation of a rescalable topic one producer (an edge) writes, and its switch to the next one. Every
/// produce takes a <see cref="Lease"/> on the generation it writes and returns it when Kafka acknowledged the record.
/// When the generation record says to switch, new leases go to the next generation at once; once every lease on
/// older generations is returned, the producer reports the generation it writes to the control topic. The rescale
/// procedure writes its cutover markers only after the reports (or a timeout), so every record a switched producer
/// wrote to an old partition lies before that partition's marker.
/// </summary>
public sealed class ProducerGeneration : IAsyncDisposable
{
    private readonly TopicGenerationWatcher _watcher;
    private readonly string _producerId;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly Dictionary<int, int> _inFlight = [];
    private int _generation;
    private int _reported;
    private TaskCompletionSource _drained = NewSignal();

    public ProducerGeneration(TopicGenerationWatcher watcher, string producerId, ILogger? logger = null)
    {
        _watcher = watcher;
        _producerId = producerId;
        _logger = logger ?? NullLogger.Instance;
    }

    public string BaseTopic => _watcher.Current.Topic;

    /// <summary>The generation new records go to.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>Reads the current generation (the watcher must be started) and registers this producer with a report.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        lock (_gate) _generation = _watcher.Current.WriteGeneration;
        _watcher.Changed += OnChanged;
        await ReportAsync(_generation, ct);
        // A switch may have been announced between reading Current and subscribing.
        OnChanged(_watcher.Current);
    }

    /// <summary>Takes a lease on the generation to write now; dispose it when Kafka answered the produce.</summary>
    public Lease Acquire()
    {
        lock (_gate)
        {
            _inFlight[_generation] = _inFlight.GetValueOrDefault(_generation) + 1;
            return new Lease(this, _generation, TopicGenerations.TopicName(BaseTopic, _generation));
        }
    }

    private void Release(int generation)
    {
        lock (_gate)
        {
            var left = _inFlight[generation] - 1;
            if (left > 0)
            {
                _inFlight[generation] = left;
                return;
            }
            _inFlight.Remove(generation);
            if (!OlderInFlight()) _drained.TrySetResult();
        }
    }

    private bool OlderInFlight() => _inFlight.Keys.Any(g => g < _generation);

    private void OnChanged(TopicGenerationState state)
    {
        Task drained;
        int target;
        lock (_gate)
        {
            target = state.WriteGeneration;
            if (target <= _generation) return;
            _generation = target;
            _drained = NewSignal();
            if (!OlderInFlight()) _drained.TrySetResult();
            drained = _drained.Task;
        }
        _logger.LogInformation("producer {Producer}: writing {Topic} from now on (generation {Generation})",
            _producerId, TopicGenerations.TopicName(state.Topic, target), target);
        _ = ReportWhenDrainedAsync(drained, target);
    }

    private async Task ReportWhenDrainedAsync(Task drained, int generation)
    {
        try
        {
            await drained;
            await ReportAsync(generation, CancellationToken.None);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "producer {Producer}: could not report its switch to generation {Generation}; the rescale will wait for its timeout",
                _producerId, generation);
        }
    }

    private async Task ReportAsync(int generation, CancellationToken ct)
    {
        if (generation <= Volatile.Read(ref _reported)) return;
        var report = new ProducerGenerationReport(_producerId, generation, DateTimeOffset.UtcNow);
        await _watcher.Log.WriteAsync(TopicGenerations.ProducerKey(BaseTopic, _producerId), report.ToBytes(), ct);
        Volatile.Write(ref _reported, generation);
    }

    /// <summary>Unregisters the producer (a tombstone for its report), so a rescale does not wait for it.</summary>
    public async ValueTask DisposeAsync()
    {
        _watcher.Changed -= OnChanged;
        try
        {
            await _watcher.Log.WriteAsync(TopicGenerations.ProducerKey(BaseTopic, _producerId), null);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "producer {Producer}: could not unregister from {ControlTopic}", _producerId, TopicGenerations.ControlTopic);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A produce to <see cref="Topic"/> in flight; dispose when its delivery report arrived.</summary>
    public sealed class Lease(ProducerGeneration owner, int generation, string topic) : IDisposable
    {
        private int _released;

        public int Generation { get; } = generation;

        public string Topic { get; } = topic;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) owner.Release(Generation);
        }
    }
}
