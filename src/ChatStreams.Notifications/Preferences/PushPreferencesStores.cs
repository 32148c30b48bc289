namespace ChatStreams.Notifications.Preferences;

/// <summary>Opens the preferences store the options name (the edges and the sender open the same one).</summary>
public static class PushPreferencesStores
{
    public static IPushPreferences Open(NotificationOptions options) => options.Store.ToLowerInvariant() switch
    {
        "sqlite" => new SqlitePushPreferences(options.SqlitePath),
        "mongo" => new MongoPushPreferences(options.MongoUrl ?? ""),
        _ => throw new InvalidOperationException($"Notifications:Store '{options.Store}' is not supported; use 'sqlite' or 'mongo'."),
    };

    public static string Describe(IPushPreferences store) => store switch
    {
        SqlitePushPreferences sqlite => $"sqlite preferences at {sqlite.Path}",
        MongoPushPreferences mongo => $"mongo preferences in database {mongo.DatabaseName}",
        _ => store.GetType().Name,
    };
}
