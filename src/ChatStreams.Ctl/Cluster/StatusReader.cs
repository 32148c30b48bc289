using ChatStreams.Kafka.Generations;
using ChatStreams.Topologies;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ChatStreams.Ctl.Cluster;

/// <summary>Reads one <see cref="ClusterStatus"/>: topics and their offsets, every consumer group with lag per partition, the edges.</summary>
public sealed class StatusReader(KafkaCluster cluster, ClusterSettings settings, EdgeSessions edges)
{
    public async Task<ClusterStatus> ReadAsync(CancellationToken ct)
    {
        var topics = cluster.Topics();
        var ends = new Dictionary<(string Topic, int Partition), long>();
        var topicStatus = new List<TopicStatus>();
        var configured = settings.Topics.FixedSpecs().ToDictionary(s => s.Name, s => s.Partitions);
        foreach (var (name, partitions) in topics)
        {
            var offsets = partitions.Select(p =>
            {
                var w = cluster.Watermarks(name, p);
                ends[(name, p)] = w.High.Value;
                return new PartitionOffsets(p, w.Low.Value, w.High.Value);
            }).ToList();
            int? wanted = configured.TryGetValue(name, out var c) ? c
                : Contracts.Topics.TryGetDeliveryEdge(name, out _) ? settings.Topics.Delivery.Partitions : null;
            topicStatus.Add(new TopicStatus(name, partitions.Length, wanted, offsets.Sum(o => o.High - o.Low), offsets));
        }
        var groups = await GroupsAsync(ends, ct);
        var (edgeList, note) = await edges.ReadAsync(topics.Keys.ToList(), ct);
        return new ClusterStatus(cluster.Bootstrap, DateTimeOffset.UtcNow, topicStatus, groups, edgeList, note,
            topics.ContainsKey(TopicGenerations.ControlTopic) ? Generations() : []);
    }

    /// <summary>The generation records of rescaled topics (producer reports left out).</summary>
    private List<GenerationStatus> Generations()
    {
        using var log = new TopicGenerationLog(cluster.Options, "chatctl-status");
        return log.ReadAll(KafkaCluster.RequestTimeout)
            .Where(r => !r.Key.StartsWith("producer/", StringComparison.Ordinal))
            .Select(r => TopicGenerationState.FromBytes(r.Value))
            .Select(s => new GenerationStatus(s.Topic, s.Companions, s.Generation, s.Partitions, s.Phase.ToString(), s.TargetPartitions))
            .OrderBy(g => g.Topic, StringComparer.Ordinal)
            .ToList();
    }

    private async Task<IReadOnlyList<GroupStatus>> GroupsAsync(Dictionary<(string Topic, int Partition), long> ends, CancellationToken ct)
    {
        ListConsumerGroupsResult listed;
        try
        {
            listed = await cluster.Admin.ListConsumerGroupsAsync(new ListConsumerGroupsOptions { RequestTimeout = KafkaCluster.RequestTimeout });
        }
        catch (KafkaException e)
        {
            throw cluster.Unreachable(e);
        }
        var ids = listed.Valid.Select(g => g.GroupId).Where(id => id != "chatctl-reader").Order(StringComparer.Ordinal).ToList();
        if (ids.Count == 0) return [];
        var descriptions = (await cluster.Admin.DescribeConsumerGroupsAsync(ids, new DescribeConsumerGroupsOptions { RequestTimeout = KafkaCluster.RequestTimeout }))
            .ConsumerGroupDescriptions.ToDictionary(d => d.GroupId);
        var result = new List<GroupStatus>();
        foreach (var id in ids)
        {
            ct.ThrowIfCancellationRequested();
            var description = descriptions.GetValueOrDefault(id);
            var members = description?.Members.Select(m => new GroupMember(m.ConsumerId, m.ClientId, m.Host, m.Assignment?.TopicPartitions.Count ?? 0))
                .OrderBy(m => m.ClientId, StringComparer.Ordinal).ToList() ?? [];
            var committed = await CommittedAsync(id);
            var lag = committed
                .Where(c => ends.ContainsKey((c.Topic, c.Partition.Value)))
                .Select(c =>
                {
                    var end = ends[(c.Topic, c.Partition.Value)];
                    long? at = c.Offset.Value >= 0 ? c.Offset.Value : null;
                    return new PartitionLag(c.Topic, c.Partition.Value, at, end, at is { } o ? Math.Max(0, end - o) : null);
                })
                .OrderBy(l => l.Topic, StringComparer.Ordinal).ThenBy(l => l.Partition).ToList();
            result.Add(new GroupStatus(id, RoleOf(id), description?.State.ToString() ?? "Unknown", members, lag));
        }
        return result;
    }

    /// <summary>Committed offsets of one group on every partition it committed on.</summary>
    public async Task<IReadOnlyList<TopicPartitionOffset>> CommittedAsync(string groupId)
    {
        var answer = await cluster.Admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(groupId, null)],
            new ListConsumerGroupOffsetsOptions { RequestTimeout = KafkaCluster.RequestTimeout });
        return answer.SelectMany(g => g.Partitions).Where(p => p.Error.Code == ErrorCode.NoError).Select(p => p.TopicPartitionOffset).ToList();
    }

    /// <summary>
    /// Topology groups are the streams applications' ids (a rescaled generation's with its ".g&lt;n&gt;" suffix); sink
    /// groups carry Sinks__GroupIdPrefix; edges chatstreams-edge-*.
    /// </summary>
    private string RoleOf(string groupId) =>
        ChatApplications.All.Any(a => TopicGenerations.IsGenerationOf(groupId, a.ApplicationId, out _)) ? "topology"
        : groupId.StartsWith(settings.Sinks.GroupIdPrefix, StringComparison.Ordinal) ? "sink"
        : groupId.StartsWith("chatstreams-edge-", StringComparison.Ordinal) ? "edge"
        : "other";
}
