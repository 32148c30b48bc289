using ChatStreams.Kafka.Broker.Storage;

namespace ChatStreams.Kafka.Broker.Cluster;

/// <summary>A topic: a stable id (clients fetch by it from Fetch v13 on), its partitions and its configs.</summary>
public sealed class Topic
{
    internal Topic(string name, Guid id, Dictionary<string, string?> configs, LogConfig logConfig)
    {
        Name = name;
        Id = id;
        Configs = configs;
        LogConfig = logConfig;
    }

    public string Name { get; }
    public Guid Id { get; }
    public bool IsInternal => Name.StartsWith("__", StringComparison.Ordinal);

    /// <summary>Only the configs set on this topic (DescribeConfigs reports the rest as defaults).</summary>
    public Dictionary<string, string?> Configs { get; internal set; }

    public LogConfig LogConfig { get; internal set; }

    internal List<Partition> PartitionList { get; } = [];
    public IReadOnlyList<Partition> Partitions => PartitionList;

    public Partition? Partition(int index) => index >= 0 && index < PartitionList.Count ? PartitionList[index] : null;
}
