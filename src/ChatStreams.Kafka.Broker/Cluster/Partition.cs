using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Records;
using ChatStreams.Kafka.Broker.Storage;

namespace ChatStreams.Kafka.Broker.Cluster;

/// <summary>
/// One partition on this (only) node: its log plus the state derived from it — producer sequences for
/// idempotence, open and aborted transactions for read_committed — and the signals that wake waiting fetches.
/// The high watermark is the log end: with a single replica every appended record is "fully replicated".
/// </summary>
public sealed class Partition
{
    private readonly object _appendLock = new();
    private readonly ProducerStateTable _producers = new();
    private readonly PartitionTransactions _transactions = new();
    private TaskCompletionSource _appended = NewSignal();
    private TaskCompletionSource _stable = NewSignal();

    private readonly TimeProvider _time;

    internal Partition(Topic topic, int index, PartitionLog log, TimeProvider time)
    {
        _time = time;
        Topic = topic;
        Index = index;
        Log = log;
        RebuildStateFromLog();
    }

    public Topic Topic { get; }
    public int Index { get; }
    public PartitionLog Log { get; }
    public long HighWatermark => Log.LogEndOffset;
    public long LogStartOffset => Log.LogStartOffset;

    /// <summary>Kafka's leader epoch; a single node never changes leader, so it stays 0.</summary>
    public const int LeaderEpoch = 0;

    public long LastStableOffset
    {
        get { lock (_appendLock) return StableOffsetLocked; }
    }

    public override string ToString() => $"{Topic.Name}-{Index}";

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when anything is appended after this call (fetch long-polling waits on it).</summary>
    public Task AppendedSignal
    {
        get { lock (_appendLock) return _appended.Task; }
    }

    /// <summary>
    /// Completes when the last stable offset moves past where it is at this call: what a read_committed fetch waits on.
    /// A record appended inside an open transaction shows such a reader nothing; waking it at that append (and again at
    /// the marker) made every read_committed fetch of a transactional topic read all its partitions twice per transaction.
    /// </summary>
    public Task StableSignal
    {
        get { lock (_appendLock) return _stable.Task; }
    }

    /// <summary>Under the append lock, after an append: wakes fetches waiting on any append, and on the stable offset if it moved.</summary>
    private void SignalAppended(long stableBefore)
    {
        var done = _appended;
        _appended = NewSignal();
        done.TrySetResult();
        if (StableOffsetLocked <= stableBefore) return;
        var stable = _stable;
        _stable = NewSignal();
        stable.TrySetResult();
    }

    private long StableOffsetLocked => _transactions.LastStableOffset(HighWatermark);

    /// <summary>
    /// Validates and appends one Produce request's records for this partition. <paramref name="transactionCheck"/>
    /// answers whether (producerId, epoch) has this partition in an open transaction.
    /// </summary>
    public ProduceOutcome Append(ArraySegment<byte> records, Func<long, short, ErrorCode>? transactionCheck)
    {
        var span = records.AsSpan();
        var validation = Log.Validate(span);
        if (!validation.IsValid) return ProduceOutcome.Failed((ErrorCode)validation.KafkaErrorCode, validation.Reason ?? validation.Error.ToString());

        var batches = new List<RecordBatchHeader>(validation.BatchCount);
        foreach (var batch in RecordBatches.Split(span)) batches.Add(batch.Header);

        lock (_appendLock)
        {
            foreach (var b in batches)
            {
                if (b.IsTransactional)
                {
                    var txnError = transactionCheck?.Invoke(b.ProducerId, b.ProducerEpoch) ?? ErrorCode.InvalidTxnState;
                    if (txnError != ErrorCode.None)
                        return ProduceOutcome.Failed(txnError, transactionCheck is null
                            ? "a transactional batch needs the producer's transactional id in the request"
                            : $"producer {b.ProducerId} epoch {b.ProducerEpoch} has no open transaction containing {this}: {txnError}");
                }
                var verdict = _producers.Check(b.ProducerId, b.ProducerEpoch, b.BaseSequence, b.LastSequence);
                if (verdict.IsDuplicate)
                    // A retry of a batch we already have: answer with where it went, write nothing.
                    return ProduceOutcome.Duplicate(verdict.DuplicateOfOffset);
                if (verdict.Error != ErrorCode.None)
                    return ProduceOutcome.Failed(verdict.Error, $"producer {b.ProducerId} epoch {b.ProducerEpoch} sequence {b.BaseSequence}: {verdict.Error}");
            }

            var stableBefore = StableOffsetLocked;
            var result = Log.Append(span, LeaderEpoch);
            for (var i = 0; i < batches.Count; i++)
            {
                var b = batches[i];
                var baseOffset = result.BatchBaseOffsets[i];
                _producers.Record(b.ProducerId, b.ProducerEpoch, b.BaseSequence, b.LastSequence, baseOffset, baseOffset + b.LastOffsetDelta);
                if (b.IsTransactional) _transactions.OnTransactionalAppend(b.ProducerId, baseOffset);
            }
            SignalAppended(stableBefore);
            return ProduceOutcome.Appended(result.FirstOffset, result.LastOffset, result.LogAppendTime);
        }
    }

    /// <summary>Writes a transaction marker (COMMIT or ABORT) for a producer and updates the stable offset.</summary>
    public long WriteMarker(long producerId, short producerEpoch, bool commit, int coordinatorEpoch)
    {
        var marker = RecordBatchBuilder.ControlBatch(producerId, producerEpoch,
            commit ? ControlRecordType.Commit : ControlRecordType.Abort, coordinatorEpoch, _time.GetUtcNow().ToUnixTimeMilliseconds());
        lock (_appendLock)
        {
            var stableBefore = StableOffsetLocked;
            var result = Log.Append(marker, LeaderEpoch);
            _producers.RecordMarker(producerId, producerEpoch);
            _transactions.OnMarker(producerId, commit, result.FirstOffset);
            SignalAppended(stableBefore);
            return result.FirstOffset;
        }
    }

    /// <summary>
    /// Appends one batch the broker built itself (consumer offsets): no client validation and no sequence check
    /// (such batches carry baseSequence -1). A transactional batch still opens the producer's transaction here,
    /// so the coordinator's marker closes it. Returns the batch's base offset.
    /// </summary>
    internal long AppendInternal(byte[] batch, long producerId, bool transactional)
    {
        lock (_appendLock)
        {
            var stableBefore = StableOffsetLocked;
            var result = Log.Append(batch, LeaderEpoch);
            if (transactional) _transactions.OnTransactionalAppend(producerId, result.FirstOffset);
            SignalAppended(stableBefore);
            return result.FirstOffset;
        }
    }

    /// <summary>The largest producer id seen in this partition (ids must never be reused after a restart).</summary>
    public long MaxProducerId
    {
        get { lock (_appendLock) return _producers.MaxProducerId; }
    }

    public short? ProducerEpochOf(long producerId)
    {
        lock (_appendLock) return _producers.EpochOf(producerId);
    }

    public List<PartitionTransactions.AbortedTransaction> AbortedTransactions(long fromOffset, long toOffset)
    {
        lock (_appendLock) return _transactions.AbortedBetween(fromOffset, toOffset);
    }

    /// <summary>Producer ids with open transactions found in the log at start (the coordinator resolves them).</summary>
    public IReadOnlyCollection<long> OpenTransactionProducers
    {
        get { lock (_appendLock) return _transactions.OpenProducers.ToArray(); }
    }

    public void EnforceRetention()
    {
        lock (_appendLock)
        {
            Log.EnforceRetention();
            _transactions.TrimBefore(Log.LogStartOffset);
        }
    }

    public void DeleteRecordsBefore(long offset)
    {
        lock (_appendLock)
        {
            Log.DeleteRecordsBefore(offset);
            _transactions.TrimBefore(Log.LogStartOffset);
        }
    }

    /// <summary>Rebuilds producer and transaction state by reading every batch header (and markers) in the log.</summary>
    private void RebuildStateFromLog()
    {
        foreach (var batch in Log.Batches(Log.LogStartOffset))
        {
            var h = batch.Header;
            if (h.ProducerId < 0) continue;
            if (h.IsControl)
            {
                var commit = batch.ControlType == ControlRecordType.Commit;
                _producers.RecordMarker(h.ProducerId, h.ProducerEpoch);
                _transactions.OnMarker(h.ProducerId, commit, h.BaseOffset);
                continue;
            }
            _producers.Record(h.ProducerId, h.ProducerEpoch, h.BaseSequence, h.LastSequence, h.BaseOffset, h.BaseOffset + h.LastOffsetDelta);
            if (h.IsTransactional) _transactions.OnTransactionalAppend(h.ProducerId, h.BaseOffset);
        }
    }
}

/// <summary>What became of one partition's records in a Produce request.</summary>
public readonly record struct ProduceOutcome(ErrorCode Error, string? Message, long BaseOffset, long LastOffset, long LogAppendTime)
{
    public static ProduceOutcome Failed(ErrorCode error, string message) => new(error, message, -1, -1, -1);
    public static ProduceOutcome Duplicate(long baseOffset) => new(ErrorCode.None, null, baseOffset, -1, -1);
    public static ProduceOutcome Appended(long first, long last, long logAppendTime) => new(ErrorCode.None, null, first, last, logAppendTime);
    public bool IsAppended => Error == ErrorCode.None && LastOffset >= 0;
}
