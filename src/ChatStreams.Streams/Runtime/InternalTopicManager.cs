using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ChatStreams.Contracts;
using ChatStreams.Kafka;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Streams.Runtime;

/// <summary>
/// Makes the cluster fit the topology before any thread starts: checks that source topics exist and are
/// co-partitioned, creates missing changelog (compacted), repartition and dead-letter topics, and re-reads the
/// metadata until the new topics are visible so the threads never subscribe to a topic that is not there yet.
/// </summary>
internal sealed class InternalTopicManager(IAdminClient admin, StreamsConfig config, ILogger logger)
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(30);

    public async Task<TopicLayout> PrepareAsync(Topology topology, CancellationToken ct)
    {
        var existing = PartitionCounts();
        var layout = TopicLayout.Plan(topology, config, existing);
        var missing = layout.InternalTopics.Where(t => !existing.ContainsKey(t.Name)).ToList();
        if (missing.Count == 0) return layout;

        await TopicProvisioner.CreateAsync(admin,
            missing.Select(t => new TopicSpec(t.Name, t.Partitions, config.ReplicationFactor, t.Configs.ToDictionary(c => c.Key, c => c.Value))).ToList());
        foreach (var t in missing)
            logger.LogInformation("created internal topic {Topic} ({Partitions} partitions, {Purpose})", t.Name, t.Partitions, t.Purpose);

        // Plan again on fresh metadata: verifies the partition counts of what now exists (maybe created by someone else).
        var deadline = DateTime.UtcNow + MetadataTimeout;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            existing = PartitionCounts();
            var stillMissing = missing.Where(t => !existing.ContainsKey(t.Name)).Select(t => t.Name).ToList();
            if (stillMissing.Count == 0) return TopicLayout.Plan(topology, config, existing);
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"created topics {string.Join(", ", stillMissing)} but they did not appear in the metadata within {MetadataTimeout.TotalSeconds:0} s");
            await Task.Delay(100, ct);
        }
    }

    private Dictionary<string, int> PartitionCounts()
    {
        var metadata = admin.GetMetadataRetrying(MetadataTimeout);
        return metadata.Topics.Where(t => t.Error.Code == ErrorCode.NoError && t.Partitions.Count > 0)
            .ToDictionary(t => t.Topic, t => t.Partitions.Count);
    }
}
