using System.Diagnostics;
using ChatStreams.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Sinks;

/// <summary>
/// One sink's consumer: reads its topics in a consumer group (read_committed, so only what the topologies committed),
/// collects a batch until it is full or has lingered long enough, hands it to the <see cref="ISinkWriter{T}"/> and
/// only then commits the batch's offsets. A crash before the commit re-reads the batch, which the idempotent writer
/// absorbs: nothing is lost and nothing lands twice. A failing write is retried with back-off and nothing is committed
/// meanwhile; unreadable records are logged and committed past, so one bad record never stalls a sink.
/// A rescalable topic among its topics (chat.events, chat.receipts) is read in all its generations, each one only after
/// the sink is past every cutover marker of the one before (<see cref="SinkGenerations"/>).
/// </summary>
public sealed class SinkRunner<T> where T : class
{
    private readonly string _name;
    private readonly ISinkDecoder<T> _decoder;
    private readonly ISinkWriter<T> _writer;
    private readonly KafkaOptions _kafka;
    private readonly SinkOptions _options;
    private readonly ILogger _logger;
    private readonly KeyValuePair<string, object?> _sinkTag;

    // The pending batch: decoded records, and per partition the next offset to commit once they are written
    // (poison and ignored records advance it too).
    private readonly List<(TopicPartition Partition, T Record)> _records = [];
    private readonly Dictionary<TopicPartition, long> _nextOffsets = [];
    private long _batchStarted;

    // What this member last committed per partition, so reaching a partition's end commits its end offset once.
    private readonly Dictionary<TopicPartition, long> _committed = [];

    private long _writtenSinceReport;
    private long _writtenTotal;
    private long _lastReport = Stopwatch.GetTimestamp();
    private long _lastMissingTopicWarning;

    public SinkRunner(string name, ISinkDecoder<T> decoder, ISinkWriter<T> writer, KafkaOptions kafka, SinkOptions options, ILogger logger)
    {
        if (options.BatchSize < 1) throw new ArgumentException($"Sinks:BatchSize is {options.BatchSize}; it must be at least 1.", nameof(options));
        _name = name;
        _decoder = decoder;
        _writer = writer;
        _kafka = kafka;
        _options = options;
        _logger = logger;
        _sinkTag = new("sink", name);
    }

    public string GroupId => _options.GroupIdPrefix + _name;

    private volatile string? _problem;

    /// <summary>
    /// Why the sink is not landing records right now (its store refused the last batch, or a record cannot be decoded
    /// yet), or null. The process's /readyz answers 503 with it, so an orchestrator and an operator see a stuck sink.
    /// </summary>
    public string? Problem => _problem;

    /// <summary>Runs until cancelled; then writes and commits what it holds and leaves the group.</summary>
    public Task RunAsync(CancellationToken ct) =>
        Task.Factory.StartNew(() => ConsumeAsync(ct), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task ConsumeAsync(CancellationToken ct)
    {
        await using var generations = new SinkGenerations(_kafka, _name, _decoder.Topics, _logger);
        generations.Start(ct);
        var config = KafkaClientConfigs.Consumer(_kafka, $"sink-{_name}", GroupId);
        config.EnablePartitionEof = true;
        if (_decoder.Topics.Any(t => t.StartsWith('^')))
            config.TopicMetadataRefreshIntervalMs ??= (int)Math.Max(100, _options.TopicPatternRefresh.TotalMilliseconds);
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetPartitionsAssignedHandler((_, partitions) =>
            {
                _logger.LogInformation("Sink {Sink} was assigned {Partitions}.", _name, Describe(partitions));
                _writer.OnPartitionsAssigned();
            })
            .SetPartitionsRevokedHandler((c, partitions) =>
            {
                generations.Forget(partitions.Select(p => p.TopicPartition));
                OnRevoked(c, partitions.Select(p => p.TopicPartition).ToList());
            })
            .SetPartitionsLostHandler((_, partitions) =>
            {
                generations.Forget(partitions.Select(p => p.TopicPartition));
                OnLost(partitions.Select(p => p.TopicPartition).ToList());
            })
            .Build();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (generations.SubscriptionChanged(out var topics))
                {
                    consumer.Subscribe(topics);
                    _logger.LogInformation("Sink {Sink} consuming {Topics} as group {Group}.", _name, string.Join(", ", topics), GroupId);
                }
                generations.Update(consumer);
                var result = Consume(consumer);
                if (result is not null && generations.IsHeld(result.TopicPartition))
                {
                    generations.PutBack(consumer, result);
                    continue;
                }
                if (result is { IsPartitionEOF: true }) AtEnd(result.TopicPartitionOffset);
                else if (result is not null) await AddAsync(result, ct);
                if (_nextOffsets.Count > 0 && (_records.Count >= _options.BatchSize || Stopwatch.GetElapsedTime(_batchStarted) >= _options.BatchLinger))
                    await FlushAsync(consumer, ct);
                ReportProgress(consumer);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        await FlushOnShutdownAsync(consumer);
        consumer.Close();
        _logger.LogInformation("Sink {Sink} stopped after writing {Total} records.", _name, _writtenTotal);
    }

    /// <summary>
    /// The next record, or null. A subscribed topic that does not exist yet (no edge has created a delivery topic, a
    /// topic still being provisioned) is reported by librdkafka as an error on the consumer: the sink keeps waiting for
    /// it instead of stopping, and says so now and then.
    /// </summary>
    private ConsumeResult<byte[]?, byte[]?>? Consume(IConsumer<byte[]?, byte[]?> consumer)
    {
        try
        {
            return consumer.Consume(PollTimeout());
        }
        catch (ConsumeException e) when (e.Error.Code is ErrorCode.UnknownTopicOrPart or ErrorCode.Local_UnknownTopic or ErrorCode.Local_UnknownPartition)
        {
            if (Stopwatch.GetElapsedTime(_lastMissingTopicWarning) >= _options.ProgressInterval)
            {
                _lastMissingTopicWarning = Stopwatch.GetTimestamp();
                _logger.LogWarning("Sink {Sink} waits for a topic to exist: {Reason}", _name, e.Error.Reason);
            }
            Thread.Sleep(PollTimeout());
            return null;
        }
    }

    private TimeSpan PollTimeout()
    {
        if (_nextOffsets.Count == 0) return TimeSpan.FromMilliseconds(200);
        return PollWait.Until(_options.BatchLinger - Stopwatch.GetElapsedTime(_batchStarted));
    }

    private async Task AddAsync(ConsumeResult<byte[]?, byte[]?> result, CancellationToken ct)
    {
        var record = await DecodeAsync(result, ct);
        if (_nextOffsets.Count == 0) _batchStarted = Stopwatch.GetTimestamp();
        if (record is not null) _records.Add((result.TopicPartition, record));
        _nextOffsets[result.TopicPartition] = result.Offset.Value + 1;
    }

    /// <summary>
    /// At a partition's end the position can be past the last record read (transaction markers take offsets too).
    /// Committing that end once lets readers compare the group's committed offsets with the log end to know the store
    /// holds everything up to now (the edges' read-your-writes wait does).
    /// </summary>
    private void AtEnd(TopicPartitionOffset end)
    {
        // An empty partition's end (0) says nothing a reader needs: SinkProgress counts an end of 0 as reached.
        if (end.Offset.Value <= 0 || _committed.GetValueOrDefault(end.TopicPartition, -1) >= end.Offset.Value) return;
        if (_nextOffsets.Count == 0) _batchStarted = Stopwatch.GetTimestamp();
        _nextOffsets[end.TopicPartition] = Math.Max(_nextOffsets.GetValueOrDefault(end.TopicPartition), end.Offset.Value);
    }

    private async Task<T?> DecodeAsync(ConsumeResult<byte[]?, byte[]?> result, CancellationToken ct)
    {
        var backoff = _options.RetryBackoff;
        while (true)
        {
            try
            {
                var decoded = await _decoder.DecodeAsync(result, ct);
                _problem = null;
                return decoded;
            }
            catch (UnreadableRecordException e)
            {
                SinkMetrics.RecordsSkipped.Add(1, _sinkTag);
                _logger.LogWarning("Sink {Sink} skipped an unreadable record at {Topic}[{Partition}]@{Offset}: {Reason}",
                    _name, result.Topic, result.Partition.Value, result.Offset.Value, e.Message);
                return null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _problem = $"cannot decode {result.Topic}[{result.Partition.Value}]@{result.Offset.Value} yet ({e.Message}); retrying";
                _logger.LogWarning("Sink {Sink} could not decode {Topic}[{Partition}]@{Offset} ({Reason}); trying again in {Backoff} ms.",
                    _name, result.Topic, result.Partition.Value, result.Offset.Value, e.Message, backoff.TotalMilliseconds);
                await Task.Delay(backoff, ct);
                backoff = Next(backoff);
            }
        }
    }

    /// <summary>Writes the batch until it succeeds (or the sink stops), then commits its offsets.</summary>
    private async Task FlushAsync(IConsumer<byte[]?, byte[]?> consumer, CancellationToken ct)
    {
        var backoff = _options.RetryBackoff;
        while (!await TryWriteAsync(ct))
        {
            await Task.Delay(backoff, ct);
            backoff = Next(backoff);
        }
        Commit(consumer);
    }

    private async Task<bool> TryWriteAsync(CancellationToken ct)
    {
        if (_records.Count == 0) return true;
        try
        {
            await _writer.WriteAsync(_records.Select(r => r.Record).ToList(), ct);
            _problem = null;
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            _problem = $"the store refused the last batch of {_records.Count} records ({e.Message}); retrying";
            SinkMetrics.WriteFailures.Add(1, _sinkTag);
            _logger.LogWarning(e, "Sink {Sink} could not write a batch of {Count} records; nothing is committed, it is written again.", _name, _records.Count);
            return false;
        }
    }

    private void Commit(IConsumer<byte[]?, byte[]?> consumer)
    {
        var written = _records.Count;
        try
        {
            consumer.Commit(_nextOffsets.Select(o => new TopicPartitionOffset(o.Key, o.Value)).ToList());
            foreach (var (partition, offset) in _nextOffsets) _committed[partition] = offset;
        }
        catch (KafkaException e)
        {
            // Written but not committed (a rebalance took the partitions): whoever reads them next writes them again,
            // which the idempotent store absorbs.
            _logger.LogWarning("Sink {Sink} wrote {Count} records but could not commit their offsets: {Reason}", _name, written, e.Error.Reason);
        }
        SinkMetrics.RecordsWritten.Add(written, _sinkTag);
        SinkMetrics.BatchLatency.Record(Stopwatch.GetElapsedTime(_batchStarted).TotalMilliseconds, _sinkTag);
        _writtenSinceReport += written;
        _writtenTotal += written;
        _logger.LogDebug("Sink {Sink} committed {Count} records up to {Offsets}.", _name, written,
            string.Join(", ", _nextOffsets.Select(o => $"{o.Key.Topic}[{o.Key.Partition.Value}]@{o.Value}")));
        _records.Clear();
        _nextOffsets.Clear();
    }

    /// <summary>
    /// Partitions are going to another member: what was read from them is written and committed now, or the new owner
    /// starts before it. If the store stays down the batch is dropped instead; it was never committed, so it is read again.
    /// </summary>
    private void OnRevoked(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartition> revoked)
    {
        _logger.LogInformation("Sink {Sink} loses {Partitions}.", _name, Describe(revoked));
        try
        {
            if (_nextOffsets.Count == 0) return;
            for (var attempt = 1; attempt <= Math.Max(1, _options.RevocationWriteAttempts); attempt++)
            {
                if (TryWriteAsync(CancellationToken.None).GetAwaiter().GetResult())
                {
                    Commit(consumer);
                    return;
                }
                Thread.Sleep(_options.RetryBackoff);
            }
            Drop(revoked);
        }
        finally
        {
            foreach (var partition in revoked) _committed.Remove(partition); // the next owner commits them now
        }
    }

    private void OnLost(List<TopicPartition> lost)
    {
        // Lost (the session expired): another member may own them already, a commit would be refused.
        _logger.LogWarning("Sink {Sink} lost {Partitions}; their pending records are read again by the new owner.", _name, Describe(lost));
        Drop(lost);
    }

    private void Drop(List<TopicPartition> partitions)
    {
        var gone = partitions.ToHashSet();
        _records.RemoveAll(r => gone.Contains(r.Partition));
        foreach (var p in gone)
        {
            _nextOffsets.Remove(p);
            _committed.Remove(p);
        }
    }

    private async Task FlushOnShutdownAsync(IConsumer<byte[]?, byte[]?> consumer)
    {
        if (_nextOffsets.Count == 0) return;
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            if (await TryWriteAsync(grace.Token)) Commit(consumer);
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("Sink {Sink} stopped with {Count} records unwritten; they are read again at the next start.", _name, _records.Count);
        }
    }

    private void ReportProgress(IConsumer<byte[]?, byte[]?> consumer)
    {
        if (Stopwatch.GetElapsedTime(_lastReport) < _options.ProgressInterval) return;
        _lastReport = Stopwatch.GetTimestamp();
        long lag = 0;
        foreach (var partition in consumer.Assignment)
        {
            var position = consumer.Position(partition);
            var high = consumer.GetWatermarkOffsets(partition).High;
            if (position.Value >= 0 && high.Value >= 0) lag += Math.Max(0, high.Value - position.Value);
        }
        _logger.LogInformation("Sink {Sink}: {Written} records written since the last report, {Total} in all; {Lag} records behind on {Partitions} partitions.",
            _name, _writtenSinceReport, _writtenTotal, lag, consumer.Assignment.Count);
        _writtenSinceReport = 0;
    }

    private TimeSpan Next(TimeSpan backoff) => TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.RetryBackoffMax.Ticks));

    private static string Describe(IEnumerable<TopicPartition> partitions) =>
        string.Join(", ", partitions.GroupBy(p => p.Topic).Select(g => $"{g.Key}[{string.Join(",", g.Select(p => p.Partition.Value).Order())}]"));

    private static string Describe(IEnumerable<TopicPartitionOffset> partitions) => Describe(partitions.Select(p => p.TopicPartition));
}
