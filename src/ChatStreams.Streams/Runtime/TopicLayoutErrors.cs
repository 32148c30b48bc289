namespace ChatStreams.Streams.Runtime;

/// <summary>A source topic of the topology does not exist (the runtime creates internal topics only).</summary>
public sealed class MissingSourceTopicException(IReadOnlyList<string> topics)
    : InvalidOperationException($"source topic(s) {string.Join(", ", topics)} do not exist: create them before starting the application " +
                                "(the runtime only creates its own changelog, repartition and dead-letter topics)")
{
    public IReadOnlyList<string> Topics { get; } = topics;
}

/// <summary>
/// Topics read by one sub-topology (joined or merged) have different partition counts, so partition i of one would
/// not meet partition i of the other in the same task: records with equal keys would never meet.
/// </summary>
public sealed class CopartitioningException(int subtopology, IReadOnlyDictionary<string, int> partitionsByTopic)
    : InvalidOperationException($"sub-topology {subtopology} reads topics that are not co-partitioned: " +
                                string.Join(", ", partitionsByTopic.Select(t => $"{t.Key} has {t.Value}")) +
                                ". Give them the same partition count (and the same key and partitioner), or repartition one of them")
{
    public int Subtopology { get; } = subtopology;
    public IReadOnlyDictionary<string, int> PartitionsByTopic { get; } = partitionsByTopic;
}

/// <summary>An internal topic exists with a partition count the topology cannot work with.</summary>
public sealed class InternalTopicMismatchException(string topic, int actual, int expected, string why)
    : InvalidOperationException($"internal topic {topic} has {actual} partitions but needs {expected} ({why}). " +
                                "Delete it (losing its data) or reset the application, then start again")
{
    public string Topic { get; } = topic;
}
