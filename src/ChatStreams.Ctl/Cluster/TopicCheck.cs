using ChatStreams.Contracts;
using ChatStreams.Kafka;
using ChatStreams.Kafka.Generations;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ChatStreams.Ctl.Cluster;

/// <summary>One configured topic against the cluster: created now, as configured, or how it differs.</summary>
public sealed record TopicCheckResult(string Topic, int Partitions, int? ActualPartitions, string State, IReadOnlyList<string> Differences);

/// <summary>
/// `chatctl topics`: the topics the Topics settings describe (and the delivery topic of every known edge), created when
/// missing and otherwise compared with what the cluster has: partition count, cleanup.policy and retention.ms. Existing
/// topics are never changed here: a partition count is changed with rescale-partitions, configs with the Kafka tools.
/// A rescaled topic is compared by the generation processed now (chat.events.g2 … after `chatctl rescale-partitions`,
/// whose generation records say which), so that setting the new count in the Topics settings makes the check pass.
/// </summary>
public sealed class TopicCheck(KafkaCluster cluster, TopicSettings topics)
{
    public const string Created = "created";
    public const string Ok = "ok";
    public const string Missing = "missing";
    public const string Differs = "differs";

    private static readonly string[] ComparedConfigs = ["cleanup.policy", "retention.ms"];

    /// <param name="edgeIds">Edges whose delivery topics must exist too (existing delivery topics are always checked).</param>
    /// <param name="create">False: only report (a missing topic is an error).</param>
    public async Task<IReadOnlyList<TopicCheckResult>> RunAsync(IEnumerable<string> edgeIds, bool create)
    {
        var existing = cluster.Topics();
        var knownEdges = existing.Keys.Select(t => Topics.TryGetDeliveryEdge(t, out var id) ? id : null).OfType<string>();
        var current = CurrentGenerations(existing);
        var specs = topics.AllSpecs(knownEdges.Concat(edgeIds))
            .Select(s => current.TryGetValue(s.Name, out var name) ? s with { Name = name } : s)
            .ToList();
        var missing = specs.Where(s => !existing.ContainsKey(s.Name)).ToList();
        if (create) await TopicProvisioner.CreateAsync(cluster.Admin, missing);
        var configs = await ConfigsAsync(specs.Where(s => existing.ContainsKey(s.Name)).Select(s => s.Name).ToList());
        return specs.Select(spec =>
        {
            if (!existing.TryGetValue(spec.Name, out var partitions))
                return new TopicCheckResult(spec.Name, spec.Partitions, create ? spec.Partitions : null, create ? Created : Missing, []);
            var differences = new List<string>();
            if (partitions.Length != spec.Partitions)
                differences.Add($"{partitions.Length} partitions, configured {spec.Partitions} (chatctl rescale-partitions changes it)");
            foreach (var key in ComparedConfigs.Where(spec.Configs.ContainsKey))
                if (configs.GetValueOrDefault(spec.Name)?.GetValueOrDefault(key) is { } actual && actual != spec.Configs[key])
                    differences.Add($"{key} is {actual}, configured {spec.Configs[key]}");
            return new TopicCheckResult(spec.Name, spec.Partitions, partitions.Length, differences.Count == 0 ? Ok : Differs, differences);
        }).ToList();
    }

    /// <summary>Base topic → the name of its generation processed now, for the rescaled ones (none before a rescale).</summary>
    private Dictionary<string, string> CurrentGenerations(SortedDictionary<string, int[]> existing)
    {
        if (!existing.ContainsKey(TopicGenerations.ControlTopic)) return [];
        using var log = new TopicGenerationLog(cluster.Options, "chatctl-topics");
        var records = log.ReadAll(KafkaCluster.RequestTimeout);
        var current = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var baseTopic in GenerationFamilies.Bases)
            if (GenerationFamilies.RecordOf(baseTopic) is { } key && records.TryGetValue(key, out var bytes)
                && TopicGenerationState.FromBytes(bytes) is { Generation: > 1 } state)
                current[baseTopic] = TopicGenerations.TopicName(baseTopic, state.Generation);
        return current;
    }

    private async Task<Dictionary<string, Dictionary<string, string>>> ConfigsAsync(IReadOnlyList<string> names)
    {
        if (names.Count == 0) return [];
        var described = await cluster.Admin.DescribeConfigsAsync(names.Select(n => new ConfigResource { Type = ResourceType.Topic, Name = n }),
            new DescribeConfigsOptions { RequestTimeout = KafkaCluster.RequestTimeout });
        return described.ToDictionary(d => d.ConfigResource.Name, d => d.Entries.ToDictionary(e => e.Key, e => e.Value.Value));
    }
}
