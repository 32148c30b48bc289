using ChatStreams.Contracts;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ChatStreams.Ctl.Cluster;

/// <summary>One partition of a replay: the sink's committed offset and the one it restarts from.</summary>
public sealed record ReplayPartition(string Topic, int Partition, long? Committed, long From, long End)
{
    public long Records => Math.Max(0, End - From);
}

public sealed record ReplayPlan(string Sink, string GroupId, string Start, bool Applied, IReadOnlyList<ReplayPartition> Partitions);

/// <summary>
/// `chatctl replay-sink`: rebuilds a sink's store from chat.events (every generation of it, and the other topics the sink reads) by moving its
/// consumer group's committed offsets back to a point in time. The sink's writes are idempotent (keyed by
/// conversation and seq), so records it already landed are written again unchanged. Offsets only ever move back:
/// a partition whose commit is before the start keeps it, so nothing is skipped. Kafka accepts offsets only for a group
/// with no members, so the sink must be stopped first; it replays when it starts again.
/// </summary>
public sealed class SinkReplay(KafkaCluster cluster, StatusReader groups)
{
    public static readonly string[] Sinks = [ChatStreams.Sinks.History.HistorySinkWriter.SinkName, ChatStreams.Sinks.Search.SearchSinkWriter.SinkName,
        ChatStreams.Sinks.Analytics.AnalyticsSinkWriter.SinkName];

    public async Task<ReplayPlan> RunAsync(string sink, string groupId, ReplayStart start, bool apply)
    {
        var description = (await cluster.Admin.DescribeConsumerGroupsAsync([groupId], new DescribeConsumerGroupsOptions { RequestTimeout = KafkaCluster.RequestTimeout }))
            .ConsumerGroupDescriptions.Single();
        if (description.Members.Count > 0)
            throw new ClusterException($"sink {sink} is running ({description.Members.Count} member(s) of group {groupId}: " +
                $"{string.Join(", ", description.Members.Select(m => $"{m.ClientId}@{m.Host}"))}); Kafka takes new offsets only for a stopped group. " +
                $"Stop it (Kubernetes: kubectl scale deployment <release>-sink-{sink} --replicas=0), run replay-sink again, then start it.");

        var committed = (await groups.CommittedAsync(groupId)).ToDictionary(c => (c.Topic, c.Partition.Value), c => c.Offset.Value);
        var topics = cluster.Topics();
        if (!topics.TryGetValue(Topics.ChatEvents, out var eventPartitions))
            throw new ClusterException($"topic {Topics.ChatEvents} does not exist at {cluster.Bootstrap}: nothing to replay from (chatctl topics creates it).");
        // Every generation of chat.events (chat.events.g2 … after a partition rescale): the sink reads them in order.
        var eventTopics = topics.Where(t => Kafka.Generations.GenerationFamilies.BaseOf(t.Key) == Topics.ChatEvents)
            .SelectMany(t => t.Value.Select(p => (t.Key, p)));
        var partitions = committed.Keys.Where(k => topics.ContainsKey(k.Topic))
            .Union(eventTopics)
            .OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2).ToList();

        var plan = new List<ReplayPartition>();
        var targets = start.Time is { } time
            ? cluster.Reader.OffsetsForTimes(partitions.Select(k => new TopicPartitionTimestamp(new TopicPartition(k.Item1, k.Item2), new Timestamp(time))), KafkaCluster.RequestTimeout)
                .ToDictionary(t => (t.Topic, t.Partition.Value), t => t.Offset.Value)
            : [];
        foreach (var (topic, partition) in partitions)
        {
            var w = cluster.Watermarks(topic, partition);
            // No record at or after the time: the partition has nothing newer, its replay starts at its end.
            var target = start.Time is null ? w.Low.Value : targets.GetValueOrDefault((topic, partition), -1) is var t and >= 0 ? t : w.High.Value;
            long? current = committed.TryGetValue((topic, partition), out var c) && c >= 0 ? c : null;
            var from = current is { } at ? Math.Min(at, target) : target;
            plan.Add(new ReplayPartition(topic, partition, current, Math.Max(from, w.Low.Value), w.High.Value));
        }
        if (apply)
        {
            var offsets = plan.Select(p => new TopicPartitionOffset(p.Topic, p.Partition, p.From)).ToList();
            var results = await cluster.Admin.AlterConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitionOffsets(groupId, offsets)],
                new AlterConsumerGroupOffsetsOptions { RequestTimeout = KafkaCluster.RequestTimeout });
            var failed = results.SelectMany(r => r.Partitions).Where(p => p.Error.Code != ErrorCode.NoError).ToList();
            if (failed.Count > 0)
                throw new ClusterException($"Kafka refused the new offsets of group {groupId}: " + string.Join("; ", failed.Select(f => $"{f.Topic}[{f.Partition.Value}]: {f.Error.Reason}")));
        }
        return new ReplayPlan(sink, groupId, start.ToString(), apply, plan);
    }
}
