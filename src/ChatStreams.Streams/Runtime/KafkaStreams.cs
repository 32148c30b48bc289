using ChatStreams.Kafka;
using ChatStreams.Streams.Metrics;
using ChatStreams.Streams.Runtime;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Streams;

/// <summary>
/// Runs a <see cref="Topology"/> against Kafka (Kafka Streams' KafkaStreams): creates the internal topics, starts
/// <see cref="StreamsConfig.NumStreamThreads"/> stream threads that join the consumer group named by the
/// application id, and processes with exactly-once v2 (default) or at-least-once. Instances of one application
/// id split the partitions between them; when one stops, the others take its tasks over and restore their state
/// from the changelogs.
/// </summary>
public sealed class KafkaStreams : IAsyncDisposable
{
    private readonly Topology _topology;
    private readonly StreamsConfig _config;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _lock = new();
    private readonly List<StreamThread> _threads = [];
    private StateDirectory? _stateDirectory;
    private IAdminClient? _admin;
    private StreamsMetrics? _metrics;
    private Task<bool>? _closing;

    public KafkaStreams(Topology topology, StreamsConfig config, ILoggerFactory? loggers = null, TimeProvider? time = null)
    {
        _topology = topology;
        _config = config;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _time = time ?? TimeProvider.System;
        _logger = _loggers.CreateLogger<KafkaStreams>();
    }

    public KafkaStreamsState State { get; private set; } = KafkaStreamsState.Created;

    /// <summary>
    /// Raised on the thread that caused the change (often a stream thread): keep handlers short and never wait in
    /// them for this instance to close.
    /// </summary>
    public event EventHandler<KafkaStreamsStateChange>? StateChanged;

    /// <summary>The first error that stopped a stream thread for good (State is then Error).</summary>
    public Exception? FatalError { get; private set; }

    /// <summary>What each stream thread of this instance owns now.</summary>
    public IReadOnlyList<StreamThreadMetadata> LocalThreadsMetadata()
    {
        lock (_lock) return _threads.Select(t => t.Metadata).ToList();
    }

    /// <summary>
    /// Validates the configuration, prepares the topics (co-partitioning check, missing changelog, repartition and
    /// dead-letter topics created) and starts the stream threads. Returns once they run; <see cref="State"/> turns
    /// Running when every thread has its tasks restored. Throws (and goes to Error) when the topics are not usable.
    /// </summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        lock (_lock)
        {
            if (State != KafkaStreamsState.Created)
                throw new InvalidOperationException($"KafkaStreams can be started once; it is {State}");
            var problems = _config.Validate();
            if (problems.Count > 0) throw new InvalidOperationException("invalid streams configuration: " + string.Join("; ", problems));
            Transition(KafkaStreamsState.Rebalancing, out _);
        }
        RaiseStateChanged(new KafkaStreamsStateChange(KafkaStreamsState.Created, KafkaStreamsState.Rebalancing));

        try
        {
            _stateDirectory = new StateDirectory(_config.StateDirectory, _config.ApplicationId, _logger);
            var adminConfig = KafkaClientConfigs.Admin(_config.Kafka, $"{_config.ApplicationId}-admin");
            // Looking a topic up must never create it with the broker's defaults (on-demand topics have their own spec).
            adminConfig.Set("allow.auto.create.topics", "false");
            _admin = new AdminClientBuilder(adminConfig).Build();
            _metrics = new StreamsMetrics(_config.ApplicationId);
            var layout = await new InternalTopicManager(_admin, _config, _logger).PrepareAsync(_topology, ct);
            var factory = new StreamTaskFactory(_topology, _config, _time, _loggers.CreateLogger("ChatStreams.Streams.StreamTask"),
                stateDirectory: _config.StateDirectory);
            var onDemandTopics = _topology.OnDemandTopics is { } specFor
                ? new OnDemandTopicCreator(_admin, specFor, layout.SourceTopics.Concat(layout.InternalTopics.Select(t => t.Name)),
                    _loggers.CreateLogger<OnDemandTopicCreator>())
                : null;
            var context = new StreamThreadContext(_config, layout, factory, _stateDirectory, _admin, _metrics, _loggers, _time, onDemandTopics);
            _logger.LogInformation("starting {Application} (instance {ProcessId}) with {Threads} stream thread(s), {Guarantee}:\n{Topology}",
                _config.ApplicationId, _stateDirectory.ProcessId, _config.NumStreamThreads, _config.ProcessingGuarantee, _topology.Describe());
            lock (_lock)
            {
                for (var i = 0; i < _config.NumStreamThreads; i++)
                {
                    var thread = new StreamThread(i, context);
                    thread.StateChanged += OnThreadStateChanged;
                    _threads.Add(thread);
                }
            }
            foreach (var thread in _threads) thread.Start();
        }
        catch (Exception e)
        {
            _logger.LogError(e, "{Application} could not start: {Reason}", _config.ApplicationId, e.Message);
            FatalError = e;
            SetState(KafkaStreamsState.Error);
            ReleaseResources();
            throw;
        }
    }

    /// <summary>
    /// Stops cleanly: each thread commits, closes its tasks (checkpointing persistent stores) and leaves the group so
    /// other instances take over at once. Returns false if some thread did not stop within <paramref name="timeout"/>.
    /// </summary>
    public Task<bool> CloseAsync(TimeSpan timeout)
    {
        lock (_lock)
        {
            if (_closing is not null) return _closing;
            _closing = Task.Run(() => Close(timeout));
            return _closing;
        }
    }

    public async ValueTask DisposeAsync() => await CloseAsync(TimeSpan.FromSeconds(30));

    private bool Close(TimeSpan timeout)
    {
        var hadError = State == KafkaStreamsState.Error;
        if (!hadError) SetState(KafkaStreamsState.PendingShutdown);
        List<StreamThread> threads;
        lock (_lock) threads = [.. _threads];
        foreach (var t in threads) t.RequestShutdown();
        var deadline = DateTime.UtcNow + timeout;
        var allStopped = true;
        foreach (var t in threads)
        {
            var left = deadline - DateTime.UtcNow;
            if (!t.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero))
            {
                allStopped = false;
                _logger.LogWarning("stream thread {Thread} did not stop within {Timeout}", t.Name, timeout);
            }
        }
        ReleaseResources();
        if (!hadError && State != KafkaStreamsState.Error) SetState(KafkaStreamsState.NotRunning);
        _logger.LogInformation("{Application} closed ({State})", _config.ApplicationId, State);
        return allStopped;
    }

    private void ReleaseResources()
    {
        _admin?.Dispose();
        _admin = null;
        _metrics?.Dispose();
        _metrics = null;
        _stateDirectory?.Dispose();
        _stateDirectory = null;
    }

    private void OnThreadStateChanged(StreamThread thread, StreamThreadState old, StreamThreadState next)
    {
        if (next == StreamThreadState.Dead && thread.FatalError is { } error)
        {
            lock (_lock) FatalError ??= error;
            // Kafka Streams' default (SHUTDOWN_CLIENT): one thread failing for good stops the instance.
            SetState(KafkaStreamsState.Error);
            List<StreamThread> others;
            lock (_lock) others = _threads.Where(t => t != thread).ToList();
            foreach (var t in others) t.RequestShutdown();
            return;
        }
        KafkaStreamsState wanted;
        lock (_lock)
        {
            var states = _threads.Select(t => t == thread ? next : t.State).ToList();
            if (states.Any(s => s is StreamThreadState.PendingShutdown or StreamThreadState.Dead)) return;
            wanted = states.All(s => s == StreamThreadState.Running) ? KafkaStreamsState.Running : KafkaStreamsState.Rebalancing;
        }
        SetState(wanted);
    }

    private void SetState(KafkaStreamsState next)
    {
        KafkaStreamsStateChange? change;
        lock (_lock)
        {
            if (!Transition(next, out change)) return;
        }
        if (change is not null) RaiseStateChanged(change);
    }

    /// <summary>Applies a state change if it is one Kafka Streams allows; call under the lock.</summary>
    private bool Transition(KafkaStreamsState next, out KafkaStreamsStateChange? change)
    {
        change = null;
        var old = State;
        if (old == next) return false;
        var allowed = (old, next) switch
        {
            (KafkaStreamsState.Created, KafkaStreamsState.Rebalancing or KafkaStreamsState.PendingShutdown or KafkaStreamsState.Error) => true,
            (KafkaStreamsState.Rebalancing, KafkaStreamsState.Running or KafkaStreamsState.PendingShutdown or KafkaStreamsState.Error) => true,
            (KafkaStreamsState.Running, KafkaStreamsState.Rebalancing or KafkaStreamsState.PendingShutdown or KafkaStreamsState.Error) => true,
            (KafkaStreamsState.PendingShutdown, KafkaStreamsState.NotRunning or KafkaStreamsState.Error) => true,
            _ => false,
        };
        if (!allowed) return false;
        State = next;
        change = new KafkaStreamsStateChange(old, next);
        _logger.LogInformation("{Application}: {Old} -> {New}", _config.ApplicationId, old, next);
        return true;
    }

    private void RaiseStateChanged(KafkaStreamsStateChange change)
    {
        try { StateChanged?.Invoke(this, change); }
        catch (Exception e) { _logger.LogWarning(e, "a StateChanged handler threw"); }
    }
}
