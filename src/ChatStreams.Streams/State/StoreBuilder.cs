namespace ChatStreams.Streams.State;

/// <summary>
/// Common part of the store builders: the name and whether (and with which topic configs) the store is logged to a
/// changelog. Logging is on by default, with cleanup.policy=compact. <see cref="Build"/> returns a new store on each
/// call: one per task.
/// </summary>
public abstract class StoreBuilder<TStore> : IStoreBuilder where TStore : IStateStore
{
    private Dictionary<string, string> _changelogConfig = DefaultChangelogConfig();

    protected StoreBuilder(string name)
    {
        StoreNames.Validate(name);
        Name = name;
    }

    public string Name { get; }
    public bool LoggingEnabled { get; private set; } = true;
    public IReadOnlyDictionary<string, string> ChangelogConfig => _changelogConfig;

    /// <summary>Logs changes to "&lt;application id&gt;-&lt;name&gt;-changelog"; <paramref name="changelogConfig"/> entries override the defaults.</summary>
    public StoreBuilder<TStore> WithLoggingEnabled(IDictionary<string, string>? changelogConfig = null)
    {
        var config = DefaultChangelogConfig();
        foreach (var (key, value) in changelogConfig ?? new Dictionary<string, string>()) config[key] = value;
        _changelogConfig = config;
        LoggingEnabled = true;
        return this;
    }

    /// <summary>No changelog: the store starts empty after every restart or move of its task.</summary>
    public StoreBuilder<TStore> WithLoggingDisabled()
    {
        LoggingEnabled = false;
        return this;
    }

    public abstract TStore Build();

    IStateStore IStoreBuilder.Build() => Build();

    private static Dictionary<string, string> DefaultChangelogConfig() => new(StringComparer.Ordinal) { ["cleanup.policy"] = "compact" };
}
