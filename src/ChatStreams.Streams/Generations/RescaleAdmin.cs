using ChatStreams.Contracts;
using ChatStreams.Kafka;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ChatStreams.Streams.Generations;

/// <summary>The admin reads and writes of a rescale: topic creation with the old topics' configs, changelogs, committed offsets.</summary>
internal sealed class RescaleAdmin(IAdminClient admin)
{
    public IAdminClient Client => admin;

    public int? PartitionCount(string topic)
    {
        var metadata = admin.GetMetadataRetrying(topic, TimeSpan.FromSeconds(10)).Topics.SingleOrDefault();
        return metadata is null || metadata.Error.Code != ErrorCode.NoError ? null : metadata.Partitions.Count;
    }

    /// <summary>Creates each (new topic, topic whose configs it copies) pair; an existing one must have the count asked for.</summary>
    public async Task<int> CreateLikeAsync(IReadOnlyList<(string Topic, string? Like)> topics, int partitions)
    {
        var specs = new List<TopicSpec>();
        foreach (var (topic, like) in topics)
            specs.Add(new TopicSpec(topic, partitions, -1, like is not null && PartitionCount(like) is not null
                ? await ConfigsOfAsync(like)
                : new Dictionary<string, string> { ["cleanup.policy"] = "compact" }));
        await TopicProvisioner.CreateAsync(admin, specs);
        foreach (var spec in specs)
            if (PartitionCount(spec.Name) is { } actual && actual != partitions)
                throw new InvalidOperationException($"{spec.Name} exists with {actual} partitions, not {partitions}: it was made by something else; delete it and run the rescale again");
        return specs.Count;
    }

    /// <summary>The topic configs set explicitly on a topic (retention, cleanup policy …), to give its successor the same.</summary>
    private async Task<Dictionary<string, string>> ConfigsOfAsync(string topic)
    {
        var described = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = topic }]);
        return described.Single().Entries.Values
            .Where(e => e.Source == ConfigSource.DynamicTopicConfig && e.Value is not null)
            .ToDictionary(e => e.Name, e => e.Value);
    }

    /// <summary>
    /// The stores of <paramref name="application"/> that move to the next generation with their changelog names: the
    /// named ones, or every logged store ("&lt;app&gt;-&lt;store&gt;-changelog") but the cutover gate's (it says which
    /// partitions passed *this* generation's markers: the next generation starts without).
    /// A store without a changelog yet (its application never ran) has nothing to move: the new application's runtime
    /// creates its changelog when it starts.
    /// </summary>
    public List<string> MovingStores(string application, IReadOnlyList<string>? named)
    {
        var prefix = application + "-";
        const string suffix = "-changelog";
        var logged = admin.GetMetadataRetrying(TimeSpan.FromSeconds(10)).Topics
            .Select(t => t.Topic)
            .Where(t => t.StartsWith(prefix, StringComparison.Ordinal) && t.EndsWith(suffix, StringComparison.Ordinal))
            .Select(t => t[prefix.Length..^suffix.Length])
            .ToHashSet(StringComparer.Ordinal);
        return (named ?? logged.Where(store => store != GenerationCutover<object, object>.StoreName).ToList())
            .Where(logged.Contains)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public static string Changelog(string application, string store) => $"{application}-{store}-changelog";

    public async Task<Dictionary<int, long>> CommittedAsync(string group, string topic, IEnumerable<int> partitions)
    {
        var result = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, partitions.Select(p => new TopicPartition(topic, p)).ToList())]);
        return result.Single().Partitions.Where(p => p.Offset.Value >= 0).ToDictionary(p => p.Partition.Value, p => p.Offset.Value);
    }
}
