using ChatStreams.Kafka.Broker.Groups;
using ChatStreams.Kafka.Broker.Protocol;

namespace ChatStreams.Kafka.Broker.Handlers.Groups;

/// <summary>
/// The topics/partitions part shared by OffsetCommit and TxnOffsetCommit requests and the matching
/// per-partition error response.
/// </summary>
internal static class OffsetCommitTopics
{
    /// <param name="hasLeaderEpoch">whether the version carries CommittedLeaderEpoch.</param>
    public static List<OffsetCommitEntry> Read(KafkaReader r, bool flex, bool hasLeaderEpoch)
    {
        var entries = new List<OffsetCommitEntry>();
        var topics = r.ArrayLength(flex);
        for (var t = 0; t < topics; t++)
        {
            var topic = r.String(flex);
            var partitions = r.ArrayLength(flex);
            for (var p = 0; p < partitions; p++)
            {
                var index = r.Int32();
                var offset = r.Int64();
                var leaderEpoch = hasLeaderEpoch ? r.Int32() : -1;
                var metadata = r.NullableString(flex);
                r.TaggedFields(flex);
                entries.Add(new OffsetCommitEntry(new TopicPartition(topic, index), offset, leaderEpoch, metadata));
            }
            r.TaggedFields(flex);
        }
        return entries;
    }

    /// <summary>Writes [topic, [partition, error]] keeping the request's topic order.</summary>
    public static void WriteErrors(KafkaWriter w, bool flex, IReadOnlyList<OffsetCommitEntry> entries, IReadOnlyList<ErrorCode> errors)
    {
        var byTopic = entries.Select((e, i) => (e.Partition, Error: errors[i]))
            .GroupBy(x => x.Partition.Topic, StringComparer.Ordinal).ToList();
        w.ArrayLength(byTopic.Count, flex);
        foreach (var topic in byTopic)
        {
            w.String(topic.Key, flex);
            var partitions = topic.ToList();
            w.ArrayLength(partitions.Count, flex);
            foreach (var (tp, error) in partitions)
            {
                w.Int32(tp.Partition);
                w.Int16((short)error);
                w.TaggedFields(flex);
            }
            w.TaggedFields(flex);
        }
    }
}
