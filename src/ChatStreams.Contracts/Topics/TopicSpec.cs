namespace ChatStreams.Contracts;

/// <summary>Everything needed to create one topic.</summary>
/// <param name="Name">Topic name.</param>
/// <param name="Partitions">Partition count.</param>
/// <param name="ReplicationFactor">Replication factor; -1 for the broker's default.</param>
/// <param name="Configs">Topic configs (cleanup.policy, retention.ms, ...).</param>
public sealed record TopicSpec(string Name, int Partitions, short ReplicationFactor, IReadOnlyDictionary<string, string> Configs);
