using ChatStreams.Streams.State;
using Confluent.Kafka;

namespace ChatStreams.Streams.Runtime;

/// <summary>
/// Sends a store's changes through the task's collector to the store's changelog partition (the task's partition
/// number), so under exactly-once they commit in the same transaction as the outputs and offsets.
/// </summary>
internal sealed class StreamTaskChangelogWriter(StreamTaskContext task, TopicPartition partition) : IChangelogWriter
{
    public string Topic => partition.Topic;

    public void Log(ReadOnlySpan<byte> key, byte[]? value, long timestamp) =>
        task.Collector.SendChangelog(partition.Topic, partition.Partition.Value, key.ToArray(), value, timestamp);
}
