using System.Diagnostics;
using ChatStreams.Kafka;
using ChatStreams.Kafka.Generations;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Sinks;

/// <summary>
/// How far a sink's store is behind its topics. A sink commits a partition's offset only after its store holds what came
/// before it (and commits a partition's end once it reached it), so "the sink group's committed offsets are at the end
/// offsets the topic had when I asked" means "the store holds everything written before I asked". The edges wait on
/// the history sink this way (read your writes); the benchmarks measure freshness with it. Offsets are read with the
/// sink's group id without joining the group. Concurrent waits share the reads: an end read after a caller arrived
/// serves that caller too.
/// </summary>
public sealed class SinkProgress : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(15);
    private static readonly TimeSpan PartitionsRefresh = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan BrokerTimeout = TimeSpan.FromSeconds(5);

    private readonly KafkaOptions _kafka;
    private IReadOnlyList<string> _topics;
    private readonly GenerationalTopics? _generations;
    private volatile bool _generationsStarted;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _following = Task.CompletedTask;
    private string TopicNames => string.Join(", ", _topics);
    private readonly string _groupId;
    private readonly string _clientId;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConsumer<byte[]?, byte[]?>? _probe;
    private List<TopicPartition> _partitions = [];
    private long _partitionsReadAt;
    private Dictionary<TopicPartition, long> _ends = [];
    private long _endsReadAt;
    private Dictionary<TopicPartition, long> _committed = [];
    private long _committedReadAt;
    private long _lastBehindWarning;

    /// <param name="sinkName">The sink (its group is <see cref="SinkOptions.GroupIdPrefix"/> + name).</param>
    /// <param name="topic">The topic whose end the store must reach.</param>
    /// <param name="clientId">Who asks, for the broker's logs.</param>
    public SinkProgress(KafkaOptions kafka, SinkOptions sinks, string sinkName, string topic, string clientId, ILogger logger)
        : this(kafka, sinks, sinkName, [topic], clientId, logger)
    {
    }

    /// <param name="topics">Every topic the sink lands in the store (e.g. the history sink's chat.events and chat.receipts:
    /// a read mark is read-your-writes too).</param>
    /// <param name="followGenerations">Compare every generation of the rescalable ones among <paramref name="topics"/>
    /// (chat.events.g2 … after a partition rescale, which is where new records go), following the generation records.</param>
    public SinkProgress(KafkaOptions kafka, SinkOptions sinks, string sinkName, IReadOnlyList<string> topics, string clientId, ILogger logger,
        bool followGenerations = false)
    {
        _kafka = kafka;
        _topics = topics;
        if (followGenerations)
        {
            _generations = new GenerationalTopics(kafka, clientId, topics, logger: logger);
            _following = FollowGenerationsAsync(_generations);
        }
        _groupId = sinks.GroupIdPrefix + sinkName;
        _clientId = clientId;
        _logger = logger;
    }

    /// <summary>True once the store holds the topic up to its end at the time of the call; false on timeout.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        var asked = Stopwatch.GetTimestamp();
        Dictionary<TopicPartition, long> ends;
        try
        {
            ends = await ReadAsync(asked, committed: false, ct);
            while (true)
            {
                var committed = await ReadAsync(Stopwatch.GetTimestamp() - Stopwatch.Frequency / 100, committed: true, ct);
                // A partition that was empty when asked (end 0) has nothing to wait for; the sink never commits it.
                if (ends.All(end => end.Value <= 0 || committed.GetValueOrDefault(end.Key, -1) >= end.Value)) return true;
                if (Stopwatch.GetElapsedTime(asked) >= timeout)
                {
                    WarnBehind(ends, committed);
                    return false;
                }
                await Task.Delay(PollInterval, ct);
            }
        }
        catch (KafkaException e)
        {
            _logger.LogWarning("Could not compare {Topic} with the progress of group {Group}: {Reason}", TopicNames, _groupId, e.Error.Reason);
            return false;
        }
    }

    /// <summary>The end offsets or the sink's committed offsets, read anew unless a read since <paramref name="notBefore"/> exists.</summary>
    private async Task<Dictionary<TopicPartition, long>> ReadAsync(long notBefore, bool committed, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (committed ? _committedReadAt > notBefore : _endsReadAt > notBefore) return committed ? _committed : _ends;
            // librdkafka's calls block; keep them off the request threads.
            return await Task.Run(() =>
            {
                var probe = _probe ??= new ConsumerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Consumer(_kafka, _clientId, _groupId)).Build();
                FollowGenerations();
                var partitions = Partitions(probe);
                if (committed)
                {
                    _committed = probe.Committed(partitions, BrokerTimeout).ToDictionary(p => p.TopicPartition, p => p.Offset.Value);
                    _committedReadAt = Stopwatch.GetTimestamp();
                    return _committed;
                }
                _ends = partitions.ToDictionary(p => p, p => probe.QueryWatermarkOffsets(p, BrokerTimeout).High.Value);
                _endsReadAt = Stopwatch.GetTimestamp();
                return _ends;
            }, ct);
        }
        finally { _gate.Release(); }
    }

    /// <summary>
    /// Reads the generation records in the background from construction on, retrying while Kafka cannot be reached.
    /// Reading them inside a progress check blocked the first read-your-writes wait of every edge for as long as the
    /// control topic took to read — past the 2 s a resume waits, so a device resuming then got a history without its
    /// latest messages (the load benchmark's reconnect storm lost deliveries that way).
    /// </summary>
    private async Task FollowGenerationsAsync(GenerationalTopics generations) =>
        _generationsStarted = await generations.StartWithRetriesAsync((e, backoff) =>
            _logger.LogWarning("Could not read the generation records of {Topics} ({Reason}); comparing their first generation meanwhile, retrying in {Backoff} s",
                TopicNames, e.Message, backoff.TotalSeconds), _stop.Token);

    /// <summary>Takes up the generations that exist now (once the records are read; the first generation until then).</summary>
    private void FollowGenerations()
    {
        if (_generations is null || !_generationsStarted) return;
        var current = _generations.Current;
        if (current.SequenceEqual(_topics)) return;
        _topics = current;
        _partitions = []; // read the new topics' partitions now
    }

    private List<TopicPartition> Partitions(IConsumer<byte[]?, byte[]?> probe)
    {
        if (_partitions.Count > 0 && Stopwatch.GetElapsedTime(_partitionsReadAt) < PartitionsRefresh) return _partitions;
        using var admin = new DependentAdminClientBuilder(probe.Handle).Build();
        var partitions = new List<TopicPartition>();
        foreach (var name in _topics)
        {
            var topic = admin.GetMetadataRetrying(name, BrokerTimeout).Topics.SingleOrDefault(t => t.Topic == name);
            if (topic is null || topic.Error.Code != ErrorCode.NoError) return _partitions;
            partitions.AddRange(topic.Partitions.Select(p => new TopicPartition(name, p.PartitionId)).OrderBy(p => p.Partition.Value));
        }
        _partitions = partitions;
        _partitionsReadAt = Stopwatch.GetTimestamp();
        return _partitions;
    }

    private void WarnBehind(Dictionary<TopicPartition, long> ends, Dictionary<TopicPartition, long> committed)
    {
        if (Stopwatch.GetElapsedTime(_lastBehindWarning) < TimeSpan.FromSeconds(30)) return;
        _lastBehindWarning = Stopwatch.GetTimestamp();
        var behind = ends.Sum(e => Math.Max(0, e.Value - Math.Max(0, committed.GetValueOrDefault(e.Key, -1))));
        _logger.LogWarning("The store of group {Group} is {Behind} records behind {Topic}; reads may miss the latest changes. " +
                           "Is its sink (`chatstreams sink <name>`) running?", _groupId, behind, TopicNames);
    }

    public void Dispose()
    {
        _stop.Cancel();
        try { _following.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { /* logged by the loop */ }
        _generations?.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
        _probe?.Dispose();
        _gate.Dispose();
        _stop.Dispose();
    }
}
