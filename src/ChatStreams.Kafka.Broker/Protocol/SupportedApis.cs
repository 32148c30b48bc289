namespace ChatStreams.Kafka.Broker.Protocol;

/// <summary>
/// What this broker implements: the version range per API and the first flexible version.
/// ApiVersions advertises exactly this table, so librdkafka enables only features we really serve
/// (its feature map checks overlap with these ranges; see docs/embedded-kafka.md).
/// </summary>
public static class SupportedApis
{
    public sealed record Range(ApiKey Key, short Min, short Max, short FirstFlexible);

    public static readonly IReadOnlyList<Range> All =
    [
        // Produce from v0 so librdkafka keeps compression on; versions < 3 (message sets v0/v1) are refused per partition.
        new(ApiKey.Produce, 0, 9, 9),
        new(ApiKey.Fetch, 4, 12, 12),
        new(ApiKey.ListOffsets, 1, 7, 6),
        new(ApiKey.Metadata, 0, 12, 9),
        new(ApiKey.OffsetCommit, 2, 8, 8),
        new(ApiKey.OffsetFetch, 1, 7, 6),
        new(ApiKey.FindCoordinator, 0, 2, 3),
        new(ApiKey.JoinGroup, 0, 5, 6),
        new(ApiKey.Heartbeat, 0, 3, 4),
        new(ApiKey.LeaveGroup, 0, 1, 4),
        new(ApiKey.SyncGroup, 0, 3, 4),
        new(ApiKey.DescribeGroups, 0, 4, 5),
        new(ApiKey.ListGroups, 0, 2, 3),
        new(ApiKey.ApiVersions, 0, 3, 3),
        new(ApiKey.CreateTopics, 0, 4, 5),
        new(ApiKey.DeleteTopics, 0, 3, 4),
        new(ApiKey.DeleteRecords, 0, 1, 2),
        new(ApiKey.InitProducerId, 0, 4, 2),
        new(ApiKey.OffsetForLeaderEpoch, 2, 4, 4),
        new(ApiKey.AddPartitionsToTxn, 0, 1, 3),
        new(ApiKey.AddOffsetsToTxn, 0, 1, 3),
        new(ApiKey.EndTxn, 0, 1, 3),
        new(ApiKey.TxnOffsetCommit, 0, 3, 3),
        new(ApiKey.DescribeConfigs, 0, 1, 4),
        new(ApiKey.CreatePartitions, 0, 1, 2),
        new(ApiKey.IncrementalAlterConfigs, 0, 0, 1),
    ];

    private static readonly Dictionary<ApiKey, Range> ByKey = All.ToDictionary(r => r.Key);

    /// <summary>Returns the range only if the broker has a handler for the key (the table and handlers must agree).</summary>
    public static Range? Find(ApiKey key) => ByKey.GetValueOrDefault(key);

    public static bool IsSupported(ApiKey key, short version) =>
        ByKey.TryGetValue(key, out var r) && version >= r.Min && version <= r.Max;

    public static bool IsFlexible(ApiKey key, short version) =>
        ByKey.TryGetValue(key, out var r) && version >= r.FirstFlexible;
}
