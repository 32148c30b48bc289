using System.Diagnostics;
using ChatStreams.Kafka;
using ChatStreams.Kafka.Generations;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Sinks;

/// <summary>
/// A sink's view of rescaled topics (docs/operations.md, "Rescaling partitions"): it subscribes to every generation of
/// each rescalable topic it reads (chat.events, chat.events.g2 …, added as soon as a rescale creates them) and keeps
/// a generation's partitions paused until the sink group has committed past every cutover marker of the generation
/// before (<see cref="GenerationReadOrder"/>): a conversation's generation-1 events land in the store before its
/// generation-2 ones, so a store that keeps a per-conversation watermark (search) never skips an older seq. The
/// group's commits are read from Kafka, so the rule holds across sink instances sharing the group.
/// </summary>
internal sealed class SinkGenerations : IAsyncDisposable
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(250);
    private readonly GenerationalTopics _topics;
    private readonly string _sink;
    private readonly ILogger _logger;
    private readonly HashSet<TopicPartition> _paused = [];
    private Dictionary<string, int> _firstHeld = new(StringComparer.Ordinal);
    private IReadOnlyList<string> _subscribed = [];
    private long _lastCheck;
    private volatile bool _changed = true;
    private readonly CancellationTokenSource _stop = new();
    private Task _starting = Task.CompletedTask;

    public SinkGenerations(KafkaOptions kafka, string sink, IReadOnlyList<string> topics, ILogger logger)
    {
        _sink = sink;
        _logger = logger;
        _topics = new GenerationalTopics(kafka, $"sink-{sink}", topics, logger: logger);
        _topics.Changed += () => _changed = true;
    }

    /// <summary>
    /// Starts following the generation records in the background, retrying while Kafka cannot be reached. Until they
    /// are read the sink reads generation 1 only, which is always safe (a later generation is added, held, once known);
    /// so a sink comes up, logs and serves its health endpoints without waiting for the control topic.
    /// </summary>
    public void Start(CancellationToken ct)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        _starting = Task.Run(async () =>
        {
            using var _ = stop;
            if (await _topics.StartWithRetriesAsync((e, backoff) =>
                    _logger.LogWarning("Sink {Sink} cannot read the generations of rescaled topics yet ({Reason}); it reads generation 1 meanwhile and retries in {Backoff} s.",
                        _sink, e.Message, backoff.TotalSeconds), stop.Token))
                _changed = true;
        }, CancellationToken.None);
    }

    /// <summary>The topics to subscribe to now; true when they differ from the last subscription.</summary>
    public bool SubscriptionChanged(out IReadOnlyList<string> topics)
    {
        topics = _topics.Current;
        if (topics.SequenceEqual(_subscribed)) return false;
        _subscribed = topics;
        return true;
    }

    /// <summary>True when a record of <paramref name="partition"/> must not be written yet (its generation waits for the one before).</summary>
    public bool IsHeld(TopicPartition partition) =>
        _topics.TryParse(partition.Topic, out var baseTopic, out var generation) && generation >= _firstHeld.GetValueOrDefault(baseTopic, 2);

    /// <summary>Re-evaluates the holds (at most every 250 ms while one is on) and pauses or resumes the assigned partitions accordingly.</summary>
    public void Update(IConsumer<byte[]?, byte[]?> consumer)
    {
        if (!_topics.AnyRescalable) return;
        var anyHeld = _firstHeld.Count == 0 || _firstHeld.Values.Any(g => g != int.MaxValue);
        if (!_changed && (!anyHeld || Stopwatch.GetElapsedTime(_lastCheck) < CheckInterval)) return;
        _changed = false;
        _lastCheck = Stopwatch.GetTimestamp();
        try
        {
            Evaluate(consumer);
        }
        catch (KafkaException e)
        {
            // Hold every later generation until a check succeeds: a generation subscribed since the last good check
            // must not be read before the one before it is past its markers.
            _firstHeld = new Dictionary<string, int>(StringComparer.Ordinal);
            _changed = true;
            _logger.LogWarning("Sink {Sink} could not read its committed offsets to order the generations of rescaled topics: {Reason}", _sink, e.Error.Reason);
            return;
        }
        var paused = new List<TopicPartition>();
        var resumed = new List<TopicPartition>();
        foreach (var partition in consumer.Assignment)
        {
            var held = IsHeld(partition);
            if (held && _paused.Add(partition)) paused.Add(partition);
            else if (!held && _paused.Remove(partition)) resumed.Add(partition);
        }
        if (paused.Count > 0)
        {
            consumer.Pause(paused);
            _logger.LogInformation("Sink {Sink} holds {Partitions} until it has read past every cutover marker of the generation before.", _sink, Describe(paused));
        }
        if (resumed.Count > 0)
        {
            consumer.Resume(resumed);
            _logger.LogInformation("Sink {Sink} reads {Partitions}: the generation before is read past its cutover markers.", _sink, Describe(resumed));
        }
    }

    private static string Describe(IEnumerable<TopicPartition> partitions) =>
        string.Join(", ", partitions.GroupBy(p => p.Topic).Select(g => $"{g.Key}[{string.Join(",", g.Select(p => p.Partition.Value).Order())}]"));

    /// <summary>A record of a held partition arrived before it was paused: read it again once released.</summary>
    public void PutBack(IConsumer<byte[]?, byte[]?> consumer, ConsumeResult<byte[]?, byte[]?> result)
    {
        if (!result.IsPartitionEOF) consumer.Seek(result.TopicPartitionOffset);
        if (_paused.Add(result.TopicPartition)) consumer.Pause([result.TopicPartition]);
    }

    /// <summary>Partitions that left the assignment are no longer paused by this member.</summary>
    public void Forget(IEnumerable<TopicPartition> partitions) => _paused.ExceptWith(partitions);

    private void Evaluate(IConsumer<byte[]?, byte[]?> consumer)
    {
        var next = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var baseTopic in _topics.Bases)
        {
            if (_topics.StateOf(baseTopic) is not { } state) continue;
            var marked = GenerationReadOrder.MarkedPartitions(state, baseTopic).ToList();
            var committed = marked.Count == 0 ? []
                : consumer.Committed(marked, TimeSpan.FromSeconds(10)).ToDictionary(c => c.TopicPartition, c => c.Offset.Value);
            next[baseTopic] = GenerationReadOrder.FirstHeld(state, baseTopic, committed);
        }
        _firstHeld = next;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _starting; } catch (Exception) { /* logged by the start loop */ }
        await _topics.DisposeAsync();
        _stop.Dispose();
    }
}
