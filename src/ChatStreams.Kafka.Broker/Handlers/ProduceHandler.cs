using ChatStreams.Kafka.Broker.Cluster;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;
using ChatStreams.Kafka.Broker.Transactions;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Kafka.Broker.Handlers;

/// <summary>
/// Produce v0–v9 (record batch v2 only). Records are appended while the request is processed, in request
/// order; with acks=all the response waits until the appended offsets are on disk (group-committed fsync), except
/// for transactional records, which become durable when their transaction commits.
/// </summary>
public sealed class ProduceHandler(TopicCatalog catalog, TransactionCoordinator transactions, ILogger<ProduceHandler> logger) : IRequestHandler
{
    public ApiKey Key => ApiKey.Produce;

    private sealed record PartitionResult(int Index, Partition? Partition, ProduceOutcome Outcome);

    public ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var v = context.Version;
        var flex = context.Flexible;
        var transactionalId = v >= 3 ? r.NullableString(flex) : null;
        var acks = r.Int16();
        r.Int32(); // timeout: appends here never wait on replicas
        var topics = new List<(string Name, List<PartitionResult> Partitions)>();
        var topicCount = r.ArrayLength(flex);
        for (var t = 0; t < topicCount; t++)
        {
            var name = r.String(flex);
            var topic = catalog.Find(name);
            var results = new List<PartitionResult>();
            var partitionCount = r.ArrayLength(flex);
            for (var i = 0; i < partitionCount; i++)
            {
                var index = r.Int32();
                var records = r.NullableBytesSegment(flex);
                r.TaggedFields(flex);
                results.Add(AppendOne(topic, name, index, records, acks, transactionalId));
            }
            r.TaggedFields(flex);
            topics.Add((name, results));
        }
        r.TaggedFields(flex);

        if (acks == 0)
        {
            context.NoResponse = true;
            return ValueTask.CompletedTask;
        }
        // A transactional append is acknowledged before its fsync: nothing reads it before the commit, and EndTxn makes
        // every partition of a committing transaction durable before its decision is (TransactionCoordinator). A
        // transaction whose records a crash lost is still open at the restart and is aborted then. This takes a
        // second fsync round out of every stream-thread commit.
        if (acks == -1 && transactionalId is null)
        {
            // Durable before acknowledged: wait for the fsync covering each partition's last offset.
            context.Defer(async response =>
            {
                var durable = new List<PartitionResult>();
                foreach (var (name, list) in topics)
                    for (var i = 0; i < list.Count; i++)
                    {
                        var pr = list[i];
                        if (pr.Partition is null || pr.Outcome.Error != ErrorCode.None) continue;
                        // A duplicate's original may still await its fsync: the retry is acked only once it is durable too.
                        var upTo = pr.Outcome.IsAppended ? pr.Outcome.LastOffset : pr.Outcome.BaseOffset;
                        try
                        {
                            await pr.Partition.Log.FlushAsync(upTo, cancellationToken);
                        }
                        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                        {
                            logger.LogError(e, "fsync of {Partition} failed", pr.Partition);
                            list[i] = pr with { Outcome = ProduceOutcome.Failed(ErrorCode.KafkaStorageError, "the broker could not write to disk: " + e.Message) };
                        }
                    }
                WriteResponse(response, v, flex, topics);
            });
            return ValueTask.CompletedTask;
        }
        WriteResponse(w, v, flex, topics);
        return ValueTask.CompletedTask;
    }

    private PartitionResult AppendOne(Topic? topic, string name, int index, ArraySegment<byte>? records, short acks, string? transactionalId)
    {
        if (acks is not (-1 or 0 or 1))
            return new(index, null, ProduceOutcome.Failed(ErrorCode.InvalidRequiredAcks, $"acks must be -1, 0 or 1, got {acks}"));
        var partition = topic?.Partition(index);
        if (partition is null)
            return new(index, null, ProduceOutcome.Failed(ErrorCode.UnknownTopicOrPartition, $"{name}-{index} does not exist"));
        if (records is not { Count: > 0 } data)
            return new(index, partition, ProduceOutcome.Failed(ErrorCode.InvalidRecord, "no records"));
        Func<long, short, ErrorCode>? txnCheck = transactionalId is null
            ? null
            : (pid, epoch) => transactions.CheckProduce(transactionalId, pid, epoch, partition);
        var outcome = partition.Append(data, txnCheck);
        if (outcome.Error != ErrorCode.None)
            logger.LogDebug("produce to {Partition} refused: {Error} {Message}", partition, outcome.Error, outcome.Message);
        return new(index, partition, outcome);
    }

    private static void WriteResponse(KafkaWriter w, short v, bool flex, List<(string Name, List<PartitionResult> Partitions)> topics)
    {
        w.ArrayLength(topics.Count, flex);
        foreach (var (name, list) in topics)
        {
            w.String(name, flex);
            w.ArrayLength(list.Count, flex);
            foreach (var pr in list)
            {
                w.Int32(pr.Index);
                w.Int16((short)pr.Outcome.Error);
                w.Int64(pr.Outcome.BaseOffset);
                if (v >= 2) w.Int64(pr.Outcome.LogAppendTime);
                if (v >= 5) w.Int64(pr.Partition?.LogStartOffset ?? -1);
                if (v >= 8)
                {
                    w.ArrayLength(0, flex); // record errors: we refuse whole batches
                    w.String(pr.Outcome.Message, flex);
                }
                w.TaggedFields(flex);
            }
            w.TaggedFields(flex);
        }
        if (v >= 1) w.Int32(0);
        w.TaggedFields(flex);
    }
}
