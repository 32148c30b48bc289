using ChatStreams.Notifications.Preferences;
using ChatStreams.TestSupport;
using Microsoft.Data.Sqlite;

namespace ChatStreams.Notifications.Tests;

/// <summary>What every preferences store does (the edges write it, the sender reads it); run by each store below.</summary>
public abstract class PushPreferencesContract
{
    /// <summary>A store on this test's data; a second call opens the same data as another process would.</summary>
    protected abstract Task<IPushPreferences> OpenAsync();

    private static PushSubscription Sub(string user, string endpoint, int minutes) =>
        new(user, endpoint, "p256dh", "auth", new DateTimeOffset(2026, 1, 1, 0, minutes, 0, TimeSpan.Zero));

    [ContractFact]
    public async Task An_endpoint_belongs_to_the_last_user_who_registered_it_and_the_oldest_beyond_the_limit_go()
    {
        var store = await OpenAsync();
        var other = await OpenAsync(); // another process on the same file
        await store.SaveSubscriptionAsync(Sub("ann", "https://push.example/1", 1), 2, default);
        await store.SaveSubscriptionAsync(Sub("ann", "https://push.example/2", 2), 2, default);
        await store.SaveSubscriptionAsync(Sub("ann", "https://push.example/3", 3), 2, default);
        Assert.Equal(["https://push.example/2", "https://push.example/3"], (await other.SubscriptionsOfAsync("ann", default)).Select(s => s.Endpoint));

        await store.SaveSubscriptionAsync(Sub("bob", "https://push.example/3", 4), 2, default);
        Assert.Equal(["https://push.example/2"], (await other.SubscriptionsOfAsync("ann", default)).Select(s => s.Endpoint));
        Assert.False(await store.RemoveSubscriptionAsync("ann", "https://push.example/3", default)); // bob's now
        Assert.True(await store.RemoveSubscriptionAsync("bob", "https://push.example/3", default));
        Assert.Empty(await other.SubscriptionsOfAsync("bob", default));
    }

    [ContractFact]
    public async Task Mutes_hold_until_their_time_or_until_unmuted()
    {
        var store = await OpenAsync();
        var now = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        await store.MuteAsync(new ConversationMute("ann", "a", null), default);
        await store.MuteAsync(new ConversationMute("ann", "b", now.AddHours(1)), default);
        Assert.Equal(["a", "b"], (await store.MutesOfAsync("ann", now, default)).Select(m => m.ConversationId));
        Assert.Equal(["a"], (await store.MutesOfAsync("ann", now.AddHours(2), default)).Select(m => m.ConversationId));
        await store.MuteAsync(new ConversationMute("ann", "b", null), default); // replaces the timed mute
        Assert.Null((await store.MutesOfAsync("ann", now.AddHours(2), default)).Single(m => m.ConversationId == "b").Until);
        Assert.True(await store.UnmuteAsync("ann", "a", default));
        Assert.False(await store.UnmuteAsync("ann", "a", default));
        Assert.Empty(await store.MutesOfAsync("bob", now, default));
    }

}

public sealed class SqlitePushPreferencesTests : PushPreferencesContract, IDisposable
{
    private readonly TempDirectory _folder = new("preferences");

    protected override async Task<IPushPreferences> OpenAsync()
    {
        var store = new SqlitePushPreferences(_folder.Sub("preferences.db"));
        await store.InitializeAsync(default);
        return store;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}

/// <summary>Runs against the server in CHATSTREAMS_MONGO_URL, in a database of its own; skipped (and says so) without one.</summary>
[NeedsMongo]
public sealed class MongoPushPreferencesTests : PushPreferencesContract, IDisposable
{
    private readonly string _database = $"chatstreams_push_test_{Guid.NewGuid():N}";
    private readonly List<MongoPushPreferences> _opened = [];

    private string Url
    {
        get
        {
            var url = new MongoDB.Driver.MongoUrlBuilder(Environment.GetEnvironmentVariable(MongoFactAttribute.UrlVariable)) { DatabaseName = _database };
            return url.ToString();
        }
    }

    protected override async Task<IPushPreferences> OpenAsync()
    {
        var store = new MongoPushPreferences(Url);
        _opened.Add(store);
        await store.InitializeAsync(default);
        return store;
    }

    [MongoFact]
    public async Task The_first_vapid_key_pair_stored_is_the_one_every_process_gets()
    {
        var a = (MongoPushPreferences)await OpenAsync();
        var b = (MongoPushPreferences)await OpenAsync();
        var first = await a.GetOrAddVapidKeysAsync("pub-1", "priv-1", default);
        var second = await b.GetOrAddVapidKeysAsync("pub-2", "priv-2", default);
        Assert.Equal(("pub-1", "priv-1"), first);
        Assert.Equal(first, second);
    }

    public void Dispose()
    {
        if (_opened.Count > 0)
            new MongoDB.Driver.MongoClient(Environment.GetEnvironmentVariable(MongoFactAttribute.UrlVariable)).DropDatabase(_database);
        foreach (var store in _opened) store.Dispose();
    }
}
