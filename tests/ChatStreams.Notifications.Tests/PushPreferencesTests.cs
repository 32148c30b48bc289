using ChatStreams.Notifications.Preferences;
using ChatStreams.TestSupport;
using Microsoft.Data.Sqlite;

namespace ChatStreams.Notifications.Tests;

/// <summary>The SQLite preferences store the edges write and the sender reads.</summary>
public sealed class PushPreferencesTests : IDisposable
{
    private readonly TempDirectory _folder = new("preferences");

    private async Task<SqlitePushPreferences> OpenAsync()
    {
        var store = new SqlitePushPreferences(_folder.Sub("preferences.db"));
        await store.InitializeAsync(default);
        return store;
    }

    private static PushSubscription Sub(string user, string endpoint, int minutes) =>
        new(user, endpoint, "p256dh", "auth", new DateTimeOffset(2026, 1, 1, 0, minutes, 0, TimeSpan.Zero));

    [Fact]
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

    [Fact]
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

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}
