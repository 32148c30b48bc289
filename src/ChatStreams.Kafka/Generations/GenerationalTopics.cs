using ChatStreams.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Kafka.Generations;

/// <summary>
/// What a plain reader (sink, edge feed, read-your-writes probe) of some chat topics must read when those topics can
/// be rescaled: every existing generation of each rescalable one (chat.events, chat.events.g2 …), following the
/// generation records so a new generation is added as soon as the rescale creates it. Topics that are not rescalable
/// are passed through. One <see cref="TopicGenerationWatcher"/> per generation record involved.
/// </summary>
public sealed class GenerationalTopics : IAsyncDisposable
{
    private readonly IReadOnlyList<string> _topics;
    private readonly Dictionary<string, TopicGenerationWatcher> _watchers = new(StringComparer.Ordinal);

    /// <param name="topics">The base names the reader reads (chat.events, chat.receipts, chat.presence …).</param>
    /// <param name="initialPartitions">Partition count of a family never rescaled (only shown in its initial record).</param>
    public GenerationalTopics(KafkaOptions kafka, string clientName, IReadOnlyList<string> topics, int initialPartitions = TopicSettings.DefaultPartitions, ILogger? logger = null)
    {
        _topics = topics;
        foreach (var record in topics.Select(GenerationFamilies.RecordOf).OfType<string>().Distinct())
            _watchers[record] = new TopicGenerationWatcher(kafka, $"{clientName}-{record}", record, initialPartitions, logger ?? NullLogger.Instance);
        foreach (var watcher in _watchers.Values) watcher.Changed += _ => Changed?.Invoke();
    }

    /// <summary>Raised (on a watcher thread) when a generation record changed: <see cref="Current"/> may list more topics.</summary>
    public event Action? Changed;

    /// <summary>True when at least one of the topics is rescalable (has a generation record to follow).</summary>
    public bool AnyRescalable => _watchers.Count > 0;

    /// <summary>The base names given.</summary>
    public IReadOnlyList<string> Bases => _topics;

    /// <summary>Reads the generation records (the control topic is created if missing) and follows them.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        foreach (var watcher in _watchers.Values) await watcher.StartAsync(ct);
    }

    /// <summary>
    /// <see cref="StartAsync"/>, retried with back-off (0.5 s doubling up to 10 s) while Kafka cannot be reached, for
    /// readers that must not block on the control topic: they read the first generation meanwhile, which is always
    /// safe. Returns true once started, false when cancelled; <paramref name="onRetry"/> hears each failure and the wait.
    /// </summary>
    public async Task<bool> StartWithRetriesAsync(Action<Exception, TimeSpan> onRetry, CancellationToken ct)
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await StartAsync(ct);
                return true;
            }
            catch (OperationCanceledException) { return false; }
            catch (Exception e)
            {
                onRetry(e, backoff);
                try { await Task.Delay(backoff, ct); } catch (OperationCanceledException) { return false; }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
        return false;
    }

    /// <summary>Every topic to read now: each rescalable base expanded to all its generations that exist.</summary>
    public IReadOnlyList<string> Current =>
        _topics.SelectMany(t => StateOf(t) is { } state ? TopicGenerations.UpTo(t, state.NewestGeneration) : [t]).ToList();

    /// <summary>The generation record a base topic follows; null when it is not rescalable.</summary>
    public TopicGenerationState? StateOf(string baseTopic) =>
        GenerationFamilies.RecordOf(baseTopic) is { } record && _watchers.TryGetValue(record, out var watcher) ? watcher.Current : null;

    /// <summary>
    /// True when <paramref name="topic"/> is generation <paramref name="generation"/> of the rescalable base
    /// <paramref name="baseTopic"/> this reader reads.
    /// </summary>
    public bool TryParse(string topic, out string baseTopic, out int generation)
    {
        foreach (var candidate in _topics)
        {
            if (StateOf(candidate) is null || !TopicGenerations.IsGenerationOf(topic, candidate, out generation)) continue;
            baseTopic = candidate;
            return true;
        }
        baseTopic = topic;
        generation = 1;
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var watcher in _watchers.Values) await watcher.DisposeAsync();
    }
}
