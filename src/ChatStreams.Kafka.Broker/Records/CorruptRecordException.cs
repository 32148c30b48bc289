namespace ChatStreams.Kafka.Broker.Records;

/// <summary>
/// Thrown when bytes that should hold record batches do not (bad framing, bad CRC, undecodable records,
/// an unknown codec). The only exception the record codec throws on bad input; the broker maps it to
/// Kafka's CORRUPT_MESSAGE.
/// </summary>
public sealed class CorruptRecordException(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}
