namespace ChatStreams.Kafka.Broker.Transactions;

public enum TransactionStatus
{
    Empty,
    Ongoing,
    PrepareCommit,
    PrepareAbort,
    CompleteCommit,
    CompleteAbort,
}

/// <summary>What the coordinator knows about one transactional id (persisted in transactions.json).</summary>
public sealed class TransactionState
{
    public required string TransactionalId { get; init; }
    public long ProducerId { get; set; }
    public short ProducerEpoch { get; set; }
    public int TimeoutMs { get; set; }
    public TransactionStatus Status { get; set; }

    /// <summary>When the current transaction started (first AddPartitions/AddOffsets), Unix ms.</summary>
    public long StartedAtMs { get; set; }

    public HashSet<string> Partitions { get; set; } = [];
    public HashSet<string> Groups { get; set; } = [];

    public static string Key(string topic, int partition) => $"{partition}:{topic}";

    public static (string Topic, int Partition) ParseKey(string key)
    {
        var colon = key.IndexOf(':');
        return (key[(colon + 1)..], int.Parse(key[..colon], System.Globalization.CultureInfo.InvariantCulture));
    }

    public bool IsCompleting => Status is TransactionStatus.PrepareCommit or TransactionStatus.PrepareAbort;
}
