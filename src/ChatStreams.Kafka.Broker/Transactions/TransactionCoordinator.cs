using ChatStreams.Kafka.Broker.Storage;
using System.Text.Json;
using ChatStreams.Kafka.Broker.Cluster;
using ChatStreams.Kafka.Broker.Groups;
using ChatStreams.Kafka.Broker.Protocol;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Kafka.Broker.Transactions;

/// <summary>
/// The transaction coordinator: producer ids and epochs (fencing), the partitions and groups of each open
/// transaction, two-phase completion (decision persisted, then markers written to every partition, then
/// pending offsets released) and timeouts. State is a small JSON file rewritten atomically after changes (group
/// commit: one rewrite covers every change made before it);
/// a decision found in "Prepare*" state after a crash is completed again at start (markers are idempotent
/// for the read path because a second marker for a closed transaction changes nothing).
/// <para>
/// As in Kafka, EndTxn is answered once the decision is durable; the markers, their fsync and the completed state
/// follow in the background (<see cref="CompleteInBackgroundAsync"/>). Until that completion is durable the
/// transactional id's next request waits for it (<see cref="CompletionOf"/>), so no later transaction of the same
/// producer can have records in a log while the file still says "Prepare*": re-driving the markers at start can
/// never close a transaction other than the decided one.
/// </para>
/// </summary>
public sealed class TransactionCoordinator : IDisposable
{
    private const string StateFile = "transactions.json";
    private readonly TopicCatalog _catalog;
    private readonly GroupCoordinator _groups;
    private readonly BrokerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _lock = new();
    private readonly SemaphoreSlim _persistGate = new(1, 1);
    private Dictionary<string, TransactionState> _states = new(StringComparer.Ordinal);
    /// <summary>Decided transactions still completing in the background, by transactional id (under <see cref="_lock"/>).</summary>
    private readonly Dictionary<string, Task> _completions = new(StringComparer.Ordinal);
    /// <summary>How long a request waits for its transactional id's completion before answering CONCURRENT_TRANSACTIONS (the client retries).</summary>
    private static readonly TimeSpan CompletionWait = TimeSpan.FromSeconds(10);
    private long _nextProducerId = 1000;
    private long _version;
    private long _durableVersion;

    public TransactionCoordinator(TopicCatalog catalog, GroupCoordinator groups, BrokerOptions options, TimeProvider time, ILogger<TransactionCoordinator> logger)
    {
        _catalog = catalog;
        _groups = groups;
        _options = options;
        _time = time;
        _logger = logger;
        groups.TransactionValidator = ValidateOffsetCommit;
    }

    private sealed record StoredState(long NextProducerId, List<TransactionState> Transactions);

    private string StatePath => Path.Combine(_catalog.DataDirectory, StateFile);

    /// <summary>The state's two slots (transactions.json.0 / .1), opened by <see cref="Load"/>.</summary>
    private SlottedStateFile? _stateFile;

    public void Load()
    {
        _stateFile?.Dispose();
        _stateFile = SlottedStateFile.Open(StatePath, out var content);
        if (content is null && File.Exists(StatePath))
        {
            // Written by an earlier version (one file, replaced by rename): carry it over into the slots.
            content = File.ReadAllBytes(StatePath);
            _stateFile.Write(content);
            File.Delete(StatePath);
            DirectorySync.Flush(_catalog.DataDirectory);
        }
        if (content is not null)
        {
            var stored = JsonSerializer.Deserialize<StoredState>(content)!;
            _nextProducerId = stored.NextProducerId;
            _states = stored.Transactions.ToDictionary(t => t.TransactionalId, StringComparer.Ordinal);
        }
        // The highest producer id in any log must never be handed out again (idempotent producers are not in the file).
        foreach (var t in _catalog.Topics)
        foreach (var p in t.Partitions)
            _nextProducerId = Math.Max(_nextProducerId, p.MaxProducerId + 1);

        var byProducer = _states.Values.ToDictionary(s => s.ProducerId);
        // An open transaction's partitions are kept in memory only (AddPartitionsToTxn is not persisted), so one that
        // was open at the stop cannot be completed: abort it, fencing its producer (which starts over, as after any
        // broker restart). The scan of the logs below closes the partitions its records reached.
        foreach (var state in _states.Values.Where(s => s.Status == TransactionStatus.Ongoing).ToList())
        {
            _logger.LogInformation("aborting transaction of {Id} (producer {ProducerId}) left open by the last stop", state.TransactionalId, state.ProducerId);
            BumpEpoch(state);
            FlushPartitionsAsync(WriteMarkers(Prepare(state, commit: false)), default).GetAwaiter().GetResult();
            Complete(state, commit: false);
        }
        foreach (var state in _states.Values.Where(s => s.IsCompleting).ToList())
        {
            _logger.LogInformation("completing transaction {Id} ({Status}) interrupted by the last stop", state.TransactionalId, state.Status);
            var commit = state.Status == TransactionStatus.PrepareCommit;
            FlushPartitionsAsync(WriteMarkers(Prepare(state, commit)), default).GetAwaiter().GetResult();
            Complete(state, commit);
        }
        // Open transactions in a log whose producer the coordinator does not know can never complete: abort them.
        foreach (var t in _catalog.Topics)
        foreach (var p in t.Partitions)
        foreach (var pid in p.OpenTransactionProducers)
            if (!byProducer.TryGetValue(pid, out var s) || s.Status != TransactionStatus.Ongoing)
            {
                _logger.LogWarning("aborting orphaned transaction of producer {ProducerId} in {Partition}", pid, p);
                p.WriteMarker(pid, p.ProducerEpochOf(pid) ?? 0, commit: false, coordinatorEpoch: 0);
                _groups.CompleteTransaction(pid, commit: false);
            }
        long version;
        lock (_lock) version = Changed();
        // At start, before any request is served: blocking here is fine.
        PersistAsync(version).GetAwaiter().GetResult();
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<(ErrorCode Error, long ProducerId, short Epoch)> InitProducerIdAsync(string? transactionalId, int timeoutMs, long expectedProducerId, short expectedEpoch)
    {
        var (result, version, aborting) = AssignProducerId(transactionalId, timeoutMs, expectedProducerId, expectedEpoch);
        await PersistAsync(version);
        if (aborting is null) return result;
        await FlushPartitionsAsync(WriteMarkers(aborting), default);
        lock (_lock)
        {
            Complete(aborting.State, commit: false);
            aborting.State.TimeoutMs = timeoutMs;
            aborting.State.Status = TransactionStatus.Empty;
            version = Changed();
            result = (ErrorCode.None, aborting.State.ProducerId, aborting.State.ProducerEpoch);
        }
        await PersistAsync(version);
        return result;
    }

    /// <summary>InitProducerId's decision, under the lock: the answer, the state version to persist, and an open transaction to abort first.</summary>
    private ((ErrorCode, long, short) Result, long Version, Completion? Aborting) AssignProducerId(string? transactionalId, int timeoutMs, long expectedProducerId, short expectedEpoch)
    {
        lock (_lock)
        {
            if (transactionalId is null) return ((ErrorCode.None, _nextProducerId++, 0), 0, null);
            if (transactionalId.Length == 0) return ((ErrorCode.InvalidRequest, -1, -1), 0, null);
            if (timeoutMs <= 0 || timeoutMs > _options.TransactionMaxTimeoutMs)
                return ((ErrorCode.InvalidTransactionTimeout, -1, -1), 0, null);

            if (!_states.TryGetValue(transactionalId, out var state))
            {
                state = new TransactionState
                {
                    TransactionalId = transactionalId, ProducerId = _nextProducerId++, ProducerEpoch = 0,
                    TimeoutMs = timeoutMs, Status = TransactionStatus.Empty,
                };
                _states[transactionalId] = state;
                _logger.LogInformation("transactional id {Id} gets producer {ProducerId}", transactionalId, state.ProducerId);
                return ((ErrorCode.None, state.ProducerId, 0), Changed(), null);
            }
            if (state.IsCompleting || _completions.ContainsKey(transactionalId)) return ((ErrorCode.ConcurrentTransactions, -1, -1), 0, null);
            // KIP-360: a producer that names its current id/epoch may only bump from exactly there.
            if (expectedProducerId >= 0 && (expectedProducerId != state.ProducerId || expectedEpoch != state.ProducerEpoch))
                return ((ErrorCode.ProducerFenced, -1, -1), 0, null);

            BumpEpoch(state);
            if (state.Status != TransactionStatus.Ongoing)
            {
                state.TimeoutMs = timeoutMs;
                state.Status = TransactionStatus.Empty;
                return ((ErrorCode.None, state.ProducerId, state.ProducerEpoch), Changed(), null);
            }
            // A new instance with the same transactional id: abort what the old one left open (fenced by the new
            // epoch), then hand out the id. Until the markers are written, others get CONCURRENT_TRANSACTIONS.
            _logger.LogInformation("aborting open transaction of {Id}: a new producer instance took over", transactionalId);
            return (default, Changed(), Prepare(state, commit: false));
        }
    }

    private void BumpEpoch(TransactionState state)
    {
        if (state.ProducerEpoch >= short.MaxValue - 1)
        {
            state.ProducerId = _nextProducerId++;
            state.ProducerEpoch = 0;
        }
        else state.ProducerEpoch++;
    }

    private ErrorCode Validate(string transactionalId, long producerId, short epoch, out TransactionState state)
    {
        if (!_states.TryGetValue(transactionalId, out state!)) return ErrorCode.InvalidProducerIdMapping;
        if (state.ProducerId != producerId) return ErrorCode.InvalidProducerIdMapping;
        if (epoch != state.ProducerEpoch) return ErrorCode.InvalidProducerEpoch;
        if (state.IsCompleting || _completions.ContainsKey(transactionalId)) return ErrorCode.ConcurrentTransactions;
        return ErrorCode.None;
    }

    /// <summary>
    /// Waits (at most <see cref="CompletionWait"/>) until the last transaction of <paramref name="transactionalId"/>
    /// that EndTxn answered is completed and durable. Requests of that id call this first; one still waiting after
    /// that answers CONCURRENT_TRANSACTIONS and the client retries.
    /// </summary>
    public async Task CompletionOf(string? transactionalId)
    {
        if (transactionalId is null) return;
        Task? completing;
        lock (_lock) completing = _completions.GetValueOrDefault(transactionalId);
        if (completing is null) return;
        try
        {
            await completing.WaitAsync(CompletionWait);
        }
        catch (TimeoutException)
        {
            // Still completing: the request answers CONCURRENT_TRANSACTIONS.
        }
    }

    private void Begin(TransactionState state)
    {
        if (state.Status == TransactionStatus.Ongoing) return;
        state.Status = TransactionStatus.Ongoing;
        state.StartedAtMs = NowMs;
        state.Partitions.Clear();
        state.Groups.Clear();
    }

    /// <summary>AddPartitionsToTxn: per partition error; all-or-nothing like Kafka (others get OPERATION_NOT_ATTEMPTED).</summary>
    public Dictionary<(string Topic, int Partition), ErrorCode> AddPartitions(string transactionalId, long producerId, short epoch,
        IReadOnlyList<(string Topic, int Partition)> partitions)
    {
        lock (_lock)
        {
            var error = Validate(transactionalId, producerId, epoch, out var state);
            if (error == ErrorCode.None && partitions.Any(tp => _catalog.Find(tp.Topic)?.Partition(tp.Partition) is null))
            {
                return partitions.ToDictionary(tp => tp,
                    tp => _catalog.Find(tp.Topic)?.Partition(tp.Partition) is null ? ErrorCode.UnknownTopicOrPartition : (ErrorCode)55);
            }
            if (error != ErrorCode.None) return partitions.ToDictionary(tp => tp, _ => error);
            Begin(state);
            // In memory only: a transaction open at a stop is aborted at start from what the logs hold (see Load), so
            // the partition list need not be durable until EndTxn persists the decision with it.
            foreach (var (topic, partition) in partitions) state.Partitions.Add(TransactionState.Key(topic, partition));
        }
        return partitions.ToDictionary(tp => tp, _ => ErrorCode.None);
    }

    public ErrorCode AddOffsets(string transactionalId, long producerId, short epoch, string groupId)
    {
        lock (_lock)
        {
            var error = Validate(transactionalId, producerId, epoch, out var state);
            if (error != ErrorCode.None) return error;
            if (string.IsNullOrEmpty(groupId)) return ErrorCode.InvalidGroupId;
            Partition offsets;
            try
            {
                offsets = _groups.OffsetsPartitionFor(groupId);
            }
            catch (InvalidOperationException e)
            {
                _logger.LogError(e, "the offsets topic for group {Group} is not available", groupId);
                return ErrorCode.CoordinatorNotAvailable;
            }
            Begin(state);
            // In memory only, like AddPartitions.
            state.Groups.Add(groupId);
            state.Partitions.Add(TransactionState.Key(offsets.Topic.Name, offsets.Index));
        }
        return ErrorCode.None;
    }

    /// <summary>Produce-side check of a transactional batch: current epoch and the partition added to the open transaction.</summary>
    public ErrorCode CheckProduce(string transactionalId, long producerId, short epoch, Partition partition)
    {
        lock (_lock)
        {
            if (!_states.TryGetValue(transactionalId, out var state) || state.ProducerId != producerId)
                return ErrorCode.InvalidProducerIdMapping;
            if (epoch != state.ProducerEpoch) return ErrorCode.InvalidProducerEpoch;
            if (state.Status != TransactionStatus.Ongoing ||
                !state.Partitions.Contains(TransactionState.Key(partition.Topic.Name, partition.Index)))
                return ErrorCode.InvalidTxnState;
            return ErrorCode.None;
        }
    }

    private ErrorCode ValidateOffsetCommit(string transactionalId, long producerId, short epoch, string groupId)
    {
        lock (_lock)
        {
            var error = Validate(transactionalId, producerId, epoch, out var state);
            if (error != ErrorCode.None) return error;
            return state.Status == TransactionStatus.Ongoing && state.Groups.Contains(groupId) ? ErrorCode.None : ErrorCode.InvalidTxnState;
        }
    }

    public async Task<ErrorCode> EndTransactionAsync(string transactionalId, long producerId, short epoch, bool commit, CancellationToken ct)
    {
        TransactionState state;
        Completion completion;
        long version;
        lock (_lock)
        {
            if (!_states.TryGetValue(transactionalId, out state!) || state.ProducerId != producerId)
                return ErrorCode.InvalidProducerIdMapping;
            if (epoch != state.ProducerEpoch) return ErrorCode.InvalidProducerEpoch;
            if (_completions.ContainsKey(transactionalId)) return ErrorCode.ConcurrentTransactions;
            switch (state.Status)
            {
                case TransactionStatus.PrepareCommit or TransactionStatus.PrepareAbort:
                    return ErrorCode.ConcurrentTransactions;
                case TransactionStatus.CompleteCommit:
                    return commit ? ErrorCode.None : ErrorCode.InvalidTxnState; // a retry of the same outcome succeeds
                case TransactionStatus.CompleteAbort:
                    return commit ? ErrorCode.InvalidTxnState : ErrorCode.None;
                case TransactionStatus.Empty:
                    return ErrorCode.InvalidTxnState;
            }
            completion = Prepare(state, commit);
            version = Changed();
        }
        // Transactional appends are acknowledged before their fsync (ProduceHandler, TxnOffsetCommit): a committed
        // transaction's records and offsets become durable here, every partition's fsync at once, before the decision
        // that makes them visible. An aborted transaction's records need not survive.
        if (commit) await FlushPartitionsAsync(Partitions(completion), ct);
        await PersistAsync(version); // the decision is durable before any marker is written
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock) _completions[transactionalId] = done.Task;
        _ = CompleteInBackgroundAsync(completion, done);
        return ErrorCode.None;
    }

    /// <summary>
    /// The second phase of a decided transaction, after EndTxn was answered: markers to every partition (which makes the
    /// records visible to read_committed consumers), their fsync, then the completed state, durable. An I/O failure is
    /// retried; meanwhile the transactional id's requests answer CONCURRENT_TRANSACTIONS.
    /// </summary>
    private async Task CompleteInBackgroundAsync(Completion completion, TaskCompletionSource done)
    {
        var id = completion.State.TransactionalId;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Markers of all partitions become durable together: the fsyncs run in parallel, not one after another.
                await FlushPartitionsAsync(WriteMarkers(completion), default);
                long version;
                lock (_lock)
                {
                    Complete(completion.State, completion.Commit);
                    version = Changed();
                }
                await PersistAsync(version);
                break;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A second marker for a closed transaction changes nothing, so writing them all again is safe.
                var delay = TimeSpan.FromMilliseconds(Math.Min(5000, 100 * Math.Pow(2, Math.Min(attempt, 10))));
                _logger.LogError(e, "completing the transaction of {Id} failed (attempt {Attempt}); retrying in {Delay} ms", id, attempt, delay.TotalMilliseconds);
                await Task.Delay(delay);
            }
            catch (Exception e)
            {
                // Not a disk error (e.g. the broker is closing its logs): the state stays "Prepare*", so the id's
                // requests keep answering CONCURRENT_TRANSACTIONS and the next start completes the transaction.
                _logger.LogError(e, "completing the transaction of {Id} failed; it is completed at the next start", id);
                break;
            }
        }
        lock (_lock) _completions.Remove(id);
        done.SetResult();
    }

    /// <summary>The partitions of a decided transaction that still exist.</summary>
    private List<Partition> Partitions(Completion completion)
    {
        var partitions = new List<Partition>();
        foreach (var key in completion.Partitions)
        {
            var (topic, index) = TransactionState.ParseKey(key);
            if (_catalog.Find(topic)?.Partition(index) is { } p) partitions.Add(p);
        }
        return partitions;
    }

    /// <summary>Waits until everything appended to <paramref name="partitions"/> so far is on disk; the fsyncs run in parallel.</summary>
    private static Task FlushPartitionsAsync(IEnumerable<Partition> partitions, CancellationToken ct) =>
        Task.WhenAll(partitions.Select(p => p.Log.FlushAsync(p.HighWatermark - 1, ct).AsTask()));

    /// <summary>A transaction moved to PrepareCommit/PrepareAbort, with what its markers need, taken under the lock.</summary>
    private sealed record Completion(TransactionState State, bool Commit, long ProducerId, short Epoch, IReadOnlyList<string> Partitions);

    /// <summary>
    /// Decides the outcome (under <see cref="_lock"/>): from now on produce, AddPartitions, AddOffsets, EndTxn and
    /// InitProducerId of this transactional id are refused (CONCURRENT_TRANSACTIONS / INVALID_TXN_STATE) until
    /// <see cref="Complete"/>, so the partition list cannot change while the markers are written.
    /// </summary>
    private static Completion Prepare(TransactionState state, bool commit)
    {
        state.Status = commit ? TransactionStatus.PrepareCommit : TransactionStatus.PrepareAbort;
        return new Completion(state, commit, state.ProducerId, state.ProducerEpoch, state.Partitions.ToList());
    }

    /// <summary>
    /// Writes the markers of a prepared transaction. Must run WITHOUT <see cref="_lock"/>: a produce holds its
    /// partition's lock while it asks <see cref="CheckProduce"/> (which takes <see cref="_lock"/>), so taking a
    /// partition lock while holding <see cref="_lock"/> deadlocks the two.
    /// </summary>
    private List<Partition> WriteMarkers(Completion completion)
    {
        var written = Partitions(completion); // a topic deleted meanwhile gets no marker
        foreach (var p in written) p.WriteMarker(completion.ProducerId, completion.Epoch, completion.Commit, coordinatorEpoch: 0);
        return written;
    }

    private void Complete(TransactionState state, bool commit)
    {
        _groups.CompleteTransaction(state.ProducerId, commit);
        state.Status = commit ? TransactionStatus.CompleteCommit : TransactionStatus.CompleteAbort;
        state.Partitions.Clear();
        state.Groups.Clear();
    }

    /// <summary>Aborts transactions open longer than their timeout and bumps the epoch, fencing the slow producer.</summary>
    public async Task AbortTimedOutAsync()
    {
        var aborting = new List<Completion>();
        long version;
        lock (_lock)
        {
            var now = NowMs;
            foreach (var state in _states.Values)
            {
                if (state.Status != TransactionStatus.Ongoing || now - state.StartedAtMs <= state.TimeoutMs) continue;
                _logger.LogWarning("transaction of {Id} (producer {ProducerId}) timed out after {Timeout} ms: aborting it",
                    state.TransactionalId, state.ProducerId, state.TimeoutMs);
                BumpEpoch(state);
                aborting.Add(Prepare(state, commit: false));
            }
            if (aborting.Count == 0) return;
            version = Changed();
        }
        await PersistAsync(version);
        foreach (var completion in aborting) await FlushPartitionsAsync(WriteMarkers(completion), default);
        lock (_lock)
        {
            foreach (var completion in aborting) Complete(completion.State, commit: false);
            version = Changed();
        }
        await PersistAsync(version);
    }

    /// <summary>Marks the state changed (under <see cref="_lock"/>); returns the version <see cref="Persist"/> must make durable.</summary>
    private long Changed() => ++_version;

    /// <summary>
    /// Makes the state durable up to <paramref name="version"/> (0: nothing changed). Call WITHOUT <see cref="_lock"/>.
    /// A group commit: one writer at a time rewrites the file with the state as it is then, which covers every change
    /// made before it, so callers queued behind a write usually find their version durable already. Stream threads of
    /// every application commit transactions all the time; writing and fsyncing the file once per change, under the
    /// coordinator lock, made them queue behind each other's fsyncs. The write runs on a durable-write thread, so
    /// waiting for it holds no thread-pool thread.
    /// </summary>
    private async Task PersistAsync(long version)
    {
        if (version == 0 || Volatile.Read(ref _durableVersion) >= version) return;
        await _persistGate.WaitAsync();
        try
        {
            if (_durableVersion >= version) return;
            byte[] content;
            long snapshot;
            lock (_lock)
            {
                snapshot = _version;
                content = JsonSerializer.SerializeToUtf8Bytes(new StoredState(_nextProducerId, _states.Values.ToList()));
            }
            await DurableWriteThreads.RunAsync(() => _stateFile!.Write(content));
            Volatile.Write(ref _durableVersion, snapshot);
        }
        finally
        {
            _persistGate.Release();
        }
    }

    public void Dispose()
    {
        _persistGate.Dispose();
        _stateFile?.Dispose();
    }
}
