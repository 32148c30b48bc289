namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>
/// Where an append went: first and last offset assigned, the LogAppendTime stamped on the batches
/// (-1 for CreateTime topics) and each batch's new base offset, in request order.
/// </summary>
public sealed record AppendResult(long FirstOffset, long LastOffset, long LogAppendTime, IReadOnlyList<long> BatchBaseOffsets);
