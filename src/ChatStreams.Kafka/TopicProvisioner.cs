using ChatStreams.Contracts;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Kafka;

/// <summary>
/// Creates the topics the system needs if they are missing, and reports (never silently changes) existing
/// topics whose partition count differs: changing it re-maps keys, which is an SRE decision (chatctl).
/// </summary>
public sealed class TopicProvisioner(IAdminClient admin, ILogger<TopicProvisioner> logger)
{
    public async Task<IReadOnlyList<string>> EnsureAsync(IEnumerable<TopicSpec> specs, CancellationToken ct = default)
    {
        var wanted = specs.ToList();
        var existing = ExistingPartitions();
        foreach (var spec in wanted)
            if (existing.TryGetValue(spec.Name, out var count) && count != spec.Partitions)
                logger.LogWarning("topic {Topic} has {Actual} partitions, configuration says {Wanted}; leaving it as it is (rescale with chatctl)",
                    spec.Name, count, spec.Partitions);

        var missing = wanted.Where(s => !existing.ContainsKey(s.Name)).ToList();
        if (missing.Count == 0) return [];
        await CreateAsync(admin, missing);
        foreach (var s in missing) logger.LogInformation("created topic {Topic} ({Partitions} partitions)", s.Name, s.Partitions);
        return missing.Select(s => s.Name).ToList();
    }

    /// <summary>The partition count of every topic the cluster has, by name.</summary>
    public IReadOnlyDictionary<string, int> ExistingPartitions() =>
        admin.GetMetadataRetrying(TimeSpan.FromSeconds(10)).Topics.Where(t => t.Error.Code == Confluent.Kafka.ErrorCode.NoError)
            .ToDictionary(t => t.Topic, t => t.Partitions.Count);

    /// <summary>How long topic creation keeps asking while the broker's answers are lost or time out.</summary>
    private static readonly TimeSpan CreateTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Creates topics; one that already exists counts as created (another process may be creating the same
    /// topics right now). A lost answer is asked again (<see cref="BrokerCallRetry"/>); any other refusal throws
    /// with every topic's reason.
    /// </summary>
    public static Task CreateAsync(IAdminClient admin, IReadOnlyCollection<TopicSpec> specs) =>
        specs.Count == 0 ? Task.CompletedTask : admin.CreateTopicsRetryingAsync(specs.Select(s => new TopicSpecification
        {
            Name = s.Name,
            NumPartitions = s.Partitions,
            ReplicationFactor = s.ReplicationFactor,
            Configs = s.Configs.ToDictionary(kv => kv.Key, kv => kv.Value),
        }).ToList(), CreateTimeout);
}
