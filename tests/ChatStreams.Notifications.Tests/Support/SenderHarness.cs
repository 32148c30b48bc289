using ChatStreams.Notifications.Delivery;
using ChatStreams.Notifications.Preferences;
using ChatStreams.Notifications.WebPush;
using ChatStreams.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Notifications.Tests.Support;

/// <summary>A sender over real SQLite preferences and ledger in a temp folder, pushing to a <see cref="PushServiceStub"/>.</summary>
public sealed class SenderHarness : IAsyncDisposable
{
    private readonly TempDirectory _folder;
    private readonly List<BrowserSubscription> _browsers = [];

    private SenderHarness(TempDirectory folder, PushServiceStub push, NotificationOptions options)
    {
        _folder = folder;
        Push = push;
        Options = options;
        Preferences = new SqlitePushPreferences(options.SqlitePath);
        Ledger = new SqliteSentLedger(options.LedgerPath);
    }

    public PushServiceStub Push { get; }
    public NotificationOptions Options { get; }
    public SqlitePushPreferences Preferences { get; }
    public SqliteSentLedger Ledger { get; }
    public VapidKeys Vapid { get; } = VapidKeys.Generate();
    public HttpClient Http { get; } = new() { Timeout = Timeout.InfiniteTimeSpan };

    public static async Task<SenderHarness> StartAsync(Action<NotificationOptions>? configure = null)
    {
        var push = await PushServiceStub.StartAsync();
        var folder = new TempDirectory("notifications");
        var options = new NotificationOptions
        {
            SqlitePath = Path.Combine(folder.Path, "preferences.db"),
            LedgerPath = Path.Combine(folder.Path, "sent.db"),
            VapidSubject = "mailto:ops@chatstreams.test",
            AllowLoopbackEndpoints = true,
            RetryBackoff = TimeSpan.FromMilliseconds(100),
            RetryBackoffMax = TimeSpan.FromSeconds(2),
            MaxAttempts = 4,
        };
        configure?.Invoke(options);
        var harness = new SenderHarness(folder, push, options);
        await harness.Preferences.InitializeAsync(default);
        await harness.Ledger.InitializeAsync(default);
        return harness;
    }

    public NotificationSender CreateSender() =>
        new(Preferences, Ledger, Vapid, Http, Options, TimeProvider.System, NullLogger.Instance);

    /// <summary>A browser of <paramref name="user"/> subscribed at &lt;stub&gt;/push/&lt;device&gt;.</summary>
    public async Task<BrowserSubscription> SubscribeAsync(string user, string device)
    {
        var browser = new BrowserSubscription(user, $"{Push.Url}/push/{device}");
        _browsers.Add(browser);
        await Preferences.SaveSubscriptionAsync(browser.Subscription, Options.MaxSubscriptionsPerUser, default);
        return browser;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var b in _browsers) b.Dispose();
        Http.Dispose();
        await Push.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}
