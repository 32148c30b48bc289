using ChatStreams.Streams.Serialization;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Streams.Runtime;

/// <summary>Commits, recovery from failures, and shutdown of a stream thread.</summary>
internal sealed partial class StreamThread
{
    /// <summary>
    /// Failures in a row (without a commit that moved offsets), or failures on one input record, after which the
    /// thread gives up.
    /// </summary>
    private const int MaxConsecutiveFailures = 5;
    private static readonly TimeSpan AtLeastOnceFlushTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    private int _consecutiveFailures;
    private readonly Dictionary<Processor.RecordMetadata, int> _failuresByRecord = new();
    private bool _producerNeedsReplacement;

    /// <summary>
    /// Commits every <see cref="StreamsConfig.CommitIntervalMs"/>, counted from the last commit's start, but never
    /// sooner after the last commit's end than that commit lasted (capped at the interval). Under load a commit can take
    /// longer than the interval (the flush of thousands of records, the markers): counting from its start alone made
    /// every loop commit again right after a single poll, so a transaction carried at most one poll's records and the
    /// thread spent nearly all its time committing, however much input waited; the pause after a commit keeps the
    /// committing share of a busy thread at half its time at most.
    /// A thread that has processed everything it fetched commits <see cref="StreamsConfig.IdleCommitIntervalMs"/> after
    /// its last commit started, without that pause: it has nothing to process meanwhile, so the pause would only hold
    /// its records back from downstream. Records that arrive during a commit then ride on the next one, which is how
    /// transactions grow with the load until the thread is busy and the interval takes over. Only a transaction with
    /// outputs commits early: one holding nothing but input offsets and changelog writes (a topology reading a topic it
    /// mostly filters out) has no reader waiting, and committing it every 10 ms cost the broker a transaction each time
    /// (65 a second of the presence topology's at 500 messages/s).
    /// </summary>
    private void MaybeCommit()
    {
        var now = _clock.Elapsed;
        if (UntilCommitDue(now, Idle) > TimeSpan.Zero && !_tasks.Running.Any(t => t.CommitRequested)) return;
        if (_uncommittedWork || _producer.TransactionInFlight) Commit();
        _lastCommit = now;
        _lastCommitEnded = _clock.Elapsed;
    }

    /// <summary>Nothing left to process: the last poll drained what the consumer had and no task holds buffered records.</summary>
    private bool Idle => _lastPollDrained && !_tasks.Running.Any(t => t.BufferedRecords > 0);

    /// <summary>How long until the next commit is due (zero or less: due now); see <see cref="MaybeCommit"/>.</summary>
    private TimeSpan UntilCommitDue(TimeSpan now, bool idle)
    {
        var interval = TimeSpan.FromMilliseconds(_config.CommitIntervalMs);
        // At least once, a commit does not make outputs visible (they already are): committing early would only cost.
        if (idle && _producer.ExactlyOnce && _collector.OutputsSinceCommit > 0
            && _config.IdleCommitIntervalMs >= 0 && _config.IdleCommitIntervalMs < _config.CommitIntervalMs)
            return TimeSpan.FromMilliseconds(_config.IdleCommitIntervalMs) - (now - _lastCommit);
        var lastDuration = _lastCommitEnded - _lastCommit;
        var pause = lastDuration < interval ? lastDuration : interval;
        var fromStart = interval - (now - _lastCommit);
        var fromEnd = pause - (now - _lastCommitEnded);
        return fromStart > fromEnd ? fromStart : fromEnd;
    }

    /// <summary>
    /// Commits every running task. EOS: add the input offsets to the open transaction with the consumer's group
    /// metadata and commit it (outputs, changelog writes and offsets become visible together). At least once: wait
    /// for every output to be acknowledged, then commit the offsets. Stores are not flushed at a commit: the
    /// changelog is their durable copy (see StreamTask.PrepareCommit).
    /// </summary>
    private void Commit()
    {
        var started = _clock.Elapsed;
        var offsets = new Dictionary<TopicPartition, Offset>();
        foreach (var task in _tasks.Running)
        foreach (var (tp, offset) in task.PrepareCommit())
            offsets[tp] = offset;

        if (_collector.DeliveryError is { } failed) throw failed;
        if (_producer.ExactlyOnce)
        {
            _metrics.RecordCommitPhases(Name, _producer.CommitTransaction(offsets, _consumer.ConsumerGroupMetadata));
        }
        else
        {
            _producer.Flush(AtLeastOnceFlushTimeout);
            if (_collector.DeliveryError is { } lost) throw lost;
            if (offsets.Count > 0) _consumer.Commit(offsets.Select(o => new TopicPartitionOffset(o.Key, o.Value)));
        }
        _tasks.AfterCommit();
        _collector.AfterCommit();
        _uncommittedWork = false;
        if (offsets.Count > 0) _consecutiveFailures = 0;
        _metrics.RecordCommit(Name, (_clock.Elapsed - started).TotalMilliseconds);
    }

    /// <summary>
    /// After a task or producer failure: abort the transaction (or replace a fenced/fatal producer), close every
    /// task dirty (local state wiped), and — outside a rebalance callback — rejoin the group, so the tasks are
    /// created again, restored from the changelogs and resume at the last committed offsets.
    /// </summary>
    private void Recover(Exception error, bool rejoin)
    {
        _consecutiveFailures++;
        _metrics.RecordTaskFailure(Name, error.GetType().Name);
        // A poison record fails every time it is reached, even when other tasks make progress in between.
        var attempts = _consecutiveFailures;
        if (error is StreamTaskException { Record: { } record })
        {
            if (_failuresByRecord.Count > 1000) _failuresByRecord.Clear();
            attempts = Math.Max(attempts, _failuresByRecord[record] = _failuresByRecord.GetValueOrDefault(record) + 1);
        }
        if (attempts > MaxConsecutiveFailures)
            throw new StreamThreadFailedException(
                $"stream thread {Name} failed {attempts} times on the same problem; last error: {error.Message}", error);
        _logger.LogError(error, "stream thread {Thread} failed ({Attempt}/{Max}): {Reason}. Aborting, closing tasks dirty and rebuilding them from the changelogs",
            Name, attempts, MaxConsecutiveFailures, error.Message);

        var replaceProducer = error is KafkaException k && StreamsProducer.IsFatal(k);
        AbandonTasks(replaceProducer);
        Backoff();
        if (rejoin && !_shutdownRequested)
        {
            _assigned = [];
            _paused = [];
            _consumer.Unsubscribe();
            _consumer.Subscribe(_sourceTopics);
            SetState(StreamThreadState.PartitionsRevoked);
        }
    }

    /// <summary>Throws away all uncommitted work: aborts the transaction and closes every task dirty.</summary>
    private void AbandonTasks(bool replaceProducer)
    {
        if (!replaceProducer && !_producer.TryAbortTransaction()) replaceProducer = true;
        _changelogReader.UnregisterAll();
        _tasks.CloseAllDirty();
        _uncommittedWork = false;
        if (replaceProducer) _producerNeedsReplacement = true;
        ReplaceProducerIfNeeded();
        // After the old producer is gone: its late delivery reports must not fail the next transaction.
        _collector.Reset();
    }

    /// <summary>Replaces a fenced or broken producer; if that fails too (broker away), the next loop tries again.</summary>
    private void ReplaceProducerIfNeeded()
    {
        if (!_producerNeedsReplacement) return;
        _logger.LogWarning("stream thread {Thread} replaces its producer {TransactionalId}", Name, TransactionalId);
        try
        {
            _producer.Recreate();
            _producerNeedsReplacement = false;
        }
        catch (KafkaException e)
        {
            _logger.LogWarning("stream thread {Thread} could not create its producer yet: {Reason}", Name, e.Error.Reason);
        }
    }

    private void Backoff()
    {
        var delay = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 100 * Math.Pow(2, _consecutiveFailures - 1)));
        var until = _clock.Elapsed + delay;
        while (_clock.Elapsed < until && !_shutdownRequested) Thread.Sleep(50);
    }

    /// <summary>Errors the thread cannot recover from by rebuilding its tasks.</summary>
    private bool IsFatal(Exception e)
    {
        e = Unwrap(e);
        return e switch
        {
            StreamThreadFailedException => true,
            // The operator chose to stop on unreadable input rather than dead-letter it.
            StreamTaskException { InnerException: SerializationException } => _config.DeserializationErrors == DeserializationErrorPolicy.Fail,
            // A fatal consumer error (e.g. fenced static member) cannot be fixed by rebuilding tasks; a fatal
            // producer error can: the producer is replaced.
            ConsumeException c => c.Error.IsFatal,
            ObjectDisposedException => true,
            _ => false,
        };
    }

    /// <summary>Exceptions from rebalance handlers reach the loop wrapped by Confluent.Kafka.</summary>
    private static Exception Unwrap(Exception e) =>
        e is ConsumeException { Error.Code: ErrorCode.Local_Application, InnerException: { } inner } ? Unwrap(inner) : e;

    private void ShutdownClean()
    {
        PublishMetrics(force: true);
        try
        {
            if (_tasks.Any || _producer.TransactionInFlight) Commit();
            _tasks.CloseAllClean();
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "stream thread {Thread} could not commit at shutdown; closing its tasks dirty", Name);
            TryAbandon();
        }
        CloseClients();
    }

    private void ShutdownDirty()
    {
        TryAbandon();
        CloseClients();
    }

    private void TryAbandon()
    {
        if (_tasks is null) return;
        try
        {
            if (_producer.ExactlyOnce) _producer.TryAbortTransaction();
            _changelogReader.UnregisterAll();
            _tasks.CloseAllDirty();
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "stream thread {Thread}: error while abandoning its tasks", Name);
        }
    }

    private void CloseClients()
    {
        // Close leaves the group at once, so the partitions move to other instances without a session timeout.
        try { _consumer?.Close(); }
        catch (Exception e) { _logger.LogDebug(e, "ignoring an error while closing the consumer"); }
        _consumer?.Dispose();
        try { _changelogReader?.Dispose(); }
        catch (Exception e) { _logger.LogDebug(e, "ignoring an error while closing the restore consumer"); }
        _producer?.Dispose();
    }
}

/// <summary>A stream thread stopped for good (the KafkaStreams instance goes to Error).</summary>
public sealed class StreamThreadFailedException(string message, Exception? inner = null) : Exception(message, inner);
