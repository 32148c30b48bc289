using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Kafka.Generations;

/// <summary>
/// Follows <see cref="TopicGenerations.ControlTopic"/> on a background thread and raises <see cref="Changed"/> with
/// each new generation record of the watched topic. <see cref="StartAsync"/> returns once the existing records are
/// read, so a producer or processor never starts on a generation that was already superseded.
/// </summary>
public sealed class TopicGenerationWatcher : IAsyncDisposable
{
    private readonly TopicGenerationLog _log;
    private readonly string _topic;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private TopicGenerationState _state;

    /// <param name="initialPartitions">Partition count of generation 1 when the topic was never rescaled.</param>
    public TopicGenerationWatcher(KafkaOptions kafka, string clientName, string baseTopic, int initialPartitions, ILogger? logger = null)
    {
        _log = new TopicGenerationLog(kafka, clientName);
        _topic = baseTopic;
        _logger = logger ?? NullLogger.Instance;
        _state = new TopicGenerationState { Topic = baseTopic, Partitions = initialPartitions };
    }

    /// <summary>The latest generation record (generation 1, stable, before any rescale).</summary>
    public TopicGenerationState Current => Volatile.Read(ref _state);

    /// <summary>Raised on the watcher's thread for each new record; handlers must not block for long.</summary>
    public event Action<TopicGenerationState>? Changed;

    /// <summary>The log this watcher reads (producers write their switch reports through it).</summary>
    public TopicGenerationLog Log => _log;

    /// <summary>Reads the existing records, then follows new ones. Calling it again once it succeeded does nothing.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        if (_loop is not null) return;
        await _log.EnsureTopicAsync();
        var consumer = _log.CreateConsumer();
        var latest = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            await Task.Run(() => TopicGenerationLog.CatchUp(consumer, latest, TimeSpan.FromSeconds(30)), ct);
        }
        catch
        {
            consumer.Dispose();
            throw;
        }
        if (latest.TryGetValue(_topic, out var bytes)) Volatile.Write(ref _state, TopicGenerationState.FromBytes(bytes));
        _loop = Task.Factory.StartNew(() => Follow(consumer), TaskCreationOptions.LongRunning);
    }

    private void Follow(IConsumer<string, byte[]?> consumer)
    {
        using var _ = consumer;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var result = consumer.Consume(_stop.Token);
                if (result?.Message is not { Key: { } key, Value: { } value } || key != _topic) continue;
                var state = TopicGenerationState.FromBytes(value);
                Volatile.Write(ref _state, state);
                _logger.LogInformation("topic {Topic}: generation {Generation} ({Partitions} partitions), rescale phase {Phase}",
                    state.Topic, state.Generation, state.Partitions, state.Phase);
                Changed?.Invoke(state);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is ConsumeException or System.Text.Json.JsonException)
            {
                _logger.LogWarning(e, "reading {ControlTopic} failed; retrying", TopicGenerations.ControlTopic);
                Thread.Sleep(500);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "a handler of generation changes of {Topic} failed", _topic);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        _log.Dispose();
        _stop.Dispose();
    }
}
