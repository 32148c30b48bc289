namespace ChatStreams.Streams.State;

/// <summary>Builds one store instance per task (Kafka Streams' StoreBuilder), with or without a changelog.</summary>
public interface IStoreBuilder
{
    string Name { get; }
    bool LoggingEnabled { get; }

    /// <summary>Topic configs of the changelog (defaults: cleanup.policy=compact).</summary>
    IReadOnlyDictionary<string, string> ChangelogConfig { get; }

    IStateStore Build();
}
