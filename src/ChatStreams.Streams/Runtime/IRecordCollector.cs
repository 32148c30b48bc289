using Confluent.Kafka;

namespace ChatStreams.Streams.Runtime;

/// <summary>
/// Where a task's output goes: sink records, changelog writes and dead letters. The runtime's collector sends
/// through the stream thread's (transactional) producer; the TopologyTestDriver's keeps them in memory.
/// </summary>
public interface IRecordCollector
{
    /// <summary>
    /// Sends one record. <paramref name="partition"/> null: partition by murmur2 of the key bytes over the topic's
    /// partition count, exactly as the Java client does (so other Kafka tools agree); a null key picks any partition.
    /// </summary>
    void Send(string topic, int? partition, byte[]? key, byte[]? value, Headers? headers, long timestamp);

    /// <summary>Sends a store's change to its changelog partition: state, not an output anyone downstream waits for.</summary>
    void SendChangelog(string topic, int partition, byte[] key, byte[]? value, long timestamp) => Send(topic, partition, key, value, null, timestamp);
}
