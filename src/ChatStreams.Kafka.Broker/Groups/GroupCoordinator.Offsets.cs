using ChatStreams.Kafka.Broker.Cluster;
using ChatStreams.Kafka.Broker.Protocol;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Kafka.Broker.Groups;

/// <summary>OffsetCommit, TxnOffsetCommit, OffsetFetch and the transaction coordinator's hooks.</summary>
public sealed partial class GroupCoordinator
{
    /// <summary>offset.metadata.max.bytes: Kafka's default limit on the metadata string of a commit.</summary>
    public const int MaxOffsetMetadataLength = 4096;

    /// <summary>Serializes appends so a transactional offset is registered as pending in log order.</summary>
    private readonly object _appendLock = new();

    /// <summary>The <c>__consumer_offsets</c> partition holding the group's offsets (AddOffsetsToTxn adds it to a transaction).</summary>
    public Partition OffsetsPartitionFor(string groupId) => _log.PartitionFor(groupId);

    /// <returns>One error per entry of <paramref name="request"/>.Offsets, in order.</returns>
    public async Task<IReadOnlyList<ErrorCode>> CommitOffsetsAsync(OffsetCommitRequest request, CancellationToken cancellationToken)
    {
        ErrorCode membership;
        if (_groups.TryGetValue(request.GroupId, out var group))
            membership = group.ValidateCommit(request.GenerationId, request.MemberId, request.GroupInstanceId, transactional: false);
        else
            // No group: only a consumer that manages its own assignment (generation -1) may store offsets here.
            membership = request.GenerationId < 0 ? ErrorCode.None : ErrorCode.IllegalGeneration;
        return await StoreAsync(request.GroupId, request.Offsets, membership, producerId: -1, producerEpoch: -1, cancellationToken);
    }

    /// <returns>One error per entry of <paramref name="request"/>.Offsets, in order.</returns>
    public async Task<IReadOnlyList<ErrorCode>> CommitTransactionalOffsetsAsync(TxnOffsetCommitRequest request, CancellationToken cancellationToken)
    {
        var error = TransactionValidator?.Invoke(request.TransactionalId, request.ProducerId, request.ProducerEpoch, request.GroupId)
                    ?? ErrorCode.None;
        if (error == ErrorCode.None)
        {
            if (_groups.TryGetValue(request.GroupId, out var group))
                error = group.ValidateCommit(request.GenerationId, request.MemberId, request.GroupInstanceId, transactional: true);
            else if (request.GenerationId >= 0 || request.MemberId.Length > 0 || request.GroupInstanceId is not null)
                error = ErrorCode.UnknownMemberId; // claims a membership in a group that has no members
        }
        return await StoreAsync(request.GroupId, request.Offsets, error, request.ProducerId, request.ProducerEpoch, cancellationToken);
    }

    private async Task<IReadOnlyList<ErrorCode>> StoreAsync(string groupId, IReadOnlyList<OffsetCommitEntry> offsets, ErrorCode membership,
        long producerId, short producerEpoch, CancellationToken cancellationToken)
    {
        var errors = new ErrorCode[offsets.Count];
        // The offset record stores the group id with an int16 length (Kafka's layout).
        if (membership == ErrorCode.None && System.Text.Encoding.UTF8.GetByteCount(groupId) > short.MaxValue)
            membership = ErrorCode.InvalidGroupId;
        if (membership != ErrorCode.None)
        {
            Array.Fill(errors, membership);
            return errors;
        }
        var accepted = new List<(int Index, TopicPartition Partition, CommittedOffset Value)>();
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 0; i < offsets.Count; i++)
        {
            var entry = offsets[i];
            if (entry.Metadata is { Length: > MaxOffsetMetadataLength })
                errors[i] = ErrorCode.OffsetMetadataTooLarge;
            else if (!_log.PartitionExists(entry.Partition))
                errors[i] = ErrorCode.UnknownTopicOrPartition;
            else
                accepted.Add((i, entry.Partition, new CommittedOffset(entry.Offset, entry.LeaderEpoch, entry.Metadata ?? "", now)));
        }
        if (accepted.Count == 0) return errors;

        var transactional = producerId >= 0;
        var values = accepted.Select(a => (a.Partition, a.Value)).ToList();
        try
        {
            Partition partition;
            long baseOffset;
            lock (_appendLock)
            {
                partition = _log.PartitionFor(groupId);
                baseOffset = _log.Append(partition, groupId, values, producerId, producerEpoch, now);
                // Pending offsets are invisible, so registering them before the flush is safe; doing it under the
                // append lock keeps a transaction's end (marker + CompleteTransaction) from overtaking them.
                if (transactional)
                    for (var i = 0; i < values.Count; i++)
                        _offsets.AddPending(producerId, groupId, values[i].Partition, values[i].Value, baseOffset + i);
            }
            // Transactional offsets become durable with their transaction's commit (EndTxn flushes this partition,
            // which AddOffsetsToTxn added to the transaction), like transactional records.
            if (!transactional)
            {
                await _log.FlushAsync(partition, baseOffset + values.Count - 1, cancellationToken);
                for (var i = 0; i < values.Count; i++)
                    _offsets.Commit(groupId, values[i].Partition, values[i].Value, baseOffset + i);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // Kafka answers a failed offsets append with NOT_COORDINATOR (KAFKA_STORAGE_ERROR mapped): clients
            // look the coordinator up again and retry.
            _logger.LogError(e, "group {Group}: could not write {Count} offsets to {Topic}", groupId, values.Count, OffsetLog.TopicName);
            foreach (var a in accepted) errors[a.Index] = ErrorCode.NotCoordinator;
        }
        return errors;
    }

    /// <summary>
    /// OffsetFetch. <paramref name="topics"/> null = every committed offset of the group. With
    /// <paramref name="requireStable"/>, a partition with an offset pending in an open transaction answers
    /// UNSTABLE_OFFSET_COMMIT so the client retries once the transaction ends.
    /// </summary>
    public IReadOnlyList<FetchedOffset> FetchOffsets(string groupId, IReadOnlyList<(string Topic, IReadOnlyList<int> Partitions)>? topics,
        bool requireStable)
    {
        var result = new List<FetchedOffset>();
        if (topics is null)
        {
            var all = _offsets.All(groupId);
            var unstable = requireStable ? _offsets.PendingPartitions(groupId).ToHashSet() : [];
            foreach (var (tp, offset) in all)
                result.Add(unstable.Contains(tp) ? FetchedOffset.None(tp, ErrorCode.UnstableOffsetCommit) : Found(tp, offset));
            foreach (var tp in unstable.Where(tp => all.All(a => a.Partition != tp)))
                result.Add(FetchedOffset.None(tp, ErrorCode.UnstableOffsetCommit));
            return result;
        }
        foreach (var (topic, partitions) in topics)
        foreach (var partition in partitions)
        {
            var tp = new TopicPartition(topic, partition);
            if (requireStable && _offsets.IsPending(groupId, tp)) result.Add(FetchedOffset.None(tp, ErrorCode.UnstableOffsetCommit));
            else result.Add(_offsets.Find(groupId, tp) is { } offset ? Found(tp, offset) : FetchedOffset.None(tp));
        }
        return result;
    }

    private static FetchedOffset Found(TopicPartition tp, CommittedOffset offset) =>
        new(tp, offset.Offset, offset.LeaderEpoch, offset.Metadata, ErrorCode.None);

    /// <summary>
    /// Called by the transaction coordinator after it wrote the producer's COMMIT or ABORT marker to the offsets
    /// partition: the producer's pending offsets become visible, or are dropped.
    /// </summary>
    public void CompleteTransaction(long producerId, bool commit)
    {
        lock (_appendLock) _offsets.CompleteTransaction(producerId, commit);
    }
}
