using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;
using ChatStreams.Kafka.Broker.Transactions;

namespace ChatStreams.Kafka.Broker.Handlers;

/// <summary>InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn and EndTxn over the <see cref="TransactionCoordinator"/>.</summary>
public static class TransactionHandlers
{
    public static IEnumerable<IRequestHandler> Create(TransactionCoordinator coordinator) =>
    [
        new InitProducerIdHandler(coordinator),
        new AddPartitionsToTxnHandler(coordinator),
        new AddOffsetsToTxnHandler(coordinator),
        new EndTxnHandler(coordinator),
    ];
}

/// <summary>InitProducerId v0–v4 (flexible from v2; v3+ carries the current id/epoch for KIP-360 bumps).</summary>
public sealed class InitProducerIdHandler(TransactionCoordinator coordinator) : IRequestHandler, IRequestErrorWriter
{
    public ApiKey Key => ApiKey.InitProducerId;

    public async ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var flex = context.Flexible;
        var transactionalId = r.NullableString(flex);
        var timeoutMs = r.Int32();
        long producerId = -1;
        short epoch = -1;
        if (context.Version >= 3)
        {
            producerId = r.Int64();
            epoch = r.Int16();
        }
        r.TaggedFields(flex);
        await coordinator.CompletionOf(transactionalId);
        var (error, id, newEpoch) = await coordinator.InitProducerIdAsync(transactionalId, timeoutMs, producerId, epoch);
        // PRODUCER_FENCED exists from v4; older clients understand INVALID_PRODUCER_EPOCH.
        if (error == ErrorCode.ProducerFenced && context.Version < 4) error = ErrorCode.InvalidProducerEpoch;
        Write(w, flex, error, id, newEpoch);
    }

    public void WriteError(RequestContext context, KafkaWriter response, ErrorCode error) => Write(response, context.Flexible, error, -1, -1);

    private static void Write(KafkaWriter w, bool flex, ErrorCode error, long producerId, short epoch)
    {
        w.Int32(0);
        w.Int16((short)error);
        w.Int64(producerId);
        w.Int16(epoch);
        w.TaggedFields(flex);
    }
}

/// <summary>AddPartitionsToTxn v0–v1.</summary>
public sealed class AddPartitionsToTxnHandler(TransactionCoordinator coordinator) : IRequestHandler
{
    public ApiKey Key => ApiKey.AddPartitionsToTxn;

    public async ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var transactionalId = r.String(false);
        var producerId = r.Int64();
        var epoch = r.Int16();
        var topics = r.Array(false, x => (Name: x.String(false), Partitions: x.Array(false, y => y.Int32())));
        var requested = topics.SelectMany(t => t.Partitions.Select(p => (t.Name, p))).ToList();
        // The first request of the producer's next transaction: the previous one may still be completing.
        await coordinator.CompletionOf(transactionalId);
        var results = coordinator.AddPartitions(transactionalId, producerId, epoch, requested);

        w.Int32(0);
        w.ArrayLength(topics.Count, false);
        foreach (var (name, partitions) in topics)
        {
            w.String(name, false);
            w.ArrayLength(partitions.Count, false);
            foreach (var p in partitions)
            {
                w.Int32(p);
                w.Int16((short)results[(name, p)]);
            }
        }
    }
}

/// <summary>AddOffsetsToTxn v0–v1: the group's offsets partition joins the transaction.</summary>
public sealed class AddOffsetsToTxnHandler(TransactionCoordinator coordinator) : IRequestHandler, IRequestErrorWriter
{
    public ApiKey Key => ApiKey.AddOffsetsToTxn;

    public async ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var (transactionalId, producerId, epoch, groupId) = (r.String(false), r.Int64(), r.Int16(), r.String(false));
        await coordinator.CompletionOf(transactionalId);
        WriteError(context, w, coordinator.AddOffsets(transactionalId, producerId, epoch, groupId));
    }

    public void WriteError(RequestContext context, KafkaWriter response, ErrorCode error)
    {
        response.Int32(0);
        response.Int16((short)error);
    }
}

/// <summary>EndTxn v0–v1: commit or abort; answers once the decision is on disk (the markers follow, see TransactionCoordinator).</summary>
public sealed class EndTxnHandler(TransactionCoordinator coordinator) : IRequestHandler, IRequestErrorWriter
{
    public ApiKey Key => ApiKey.EndTxn;

    public async ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var transactionalId = r.String(false);
        var producerId = r.Int64();
        var epoch = r.Int16();
        var commit = r.Bool();
        await coordinator.CompletionOf(transactionalId);
        var error = await coordinator.EndTransactionAsync(transactionalId, producerId, epoch, commit, cancellationToken);
        WriteError(context, w, error);
    }

    public void WriteError(RequestContext context, KafkaWriter response, ErrorCode error)
    {
        response.Int32(0);
        response.Int16((short)error);
    }
}
