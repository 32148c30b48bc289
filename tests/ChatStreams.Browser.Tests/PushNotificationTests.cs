using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChatStreams.Browser.Tests.Support;
using ChatStreams.Notifications.Delivery;
using ChatStreams.Notifications.Preferences;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using Notification = chatstreams.v1.Notification;

namespace ChatStreams.Browser.Tests;

/// <summary>
/// Web Push in the browser: the settings switch (permission, service worker, subscription, server), and the service
/// worker's handling of a push with the sender's real payload. Chromium here cannot reach its push service (FCM), so a
/// real subscribe fails: one test checks the page says so and stores nothing; another puts a stand-in for the browser's
/// push service in the page to follow a successful subscription to the server's store and back out.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class PushNotificationTests(BrowserFixture browser)
{
    private const string Switch = "Push notifications on this browser";

    [GeneratedRegex("^Off: ")]
    private static partial Regex Off();

    private SqlitePushPreferences Store() => new(Path.Combine(browser.System.DataDirectory, "notifications", "preferences.db"));

    private async Task<ChatPage> SignedUpWithPermissionAsync(string who, string displayName)
    {
        var page = await browser.OpenAsync();
        await page.Context.GrantPermissionsAsync(["notifications"], new() { Origin = browser.System.GatewayUrl });
        await page.SignUpAsync(ChatPage.NewUsername(who), displayName);
        return page;
    }

    private static async Task<ILocator> OpenSettingsAsync(ChatPage page)
    {
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Settings" }).ClickAsync();
        var dialog = page.Page.GetByRole(AriaRole.Dialog, new() { Name = "Settings" });
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.GetByRole(AriaRole.Switch, new() { Name = Switch })).ToBeEnabledAsync();
        return dialog;
    }

    [Fact]
    public async Task Turning_notifications_on_installs_the_service_worker_and_says_clearly_when_the_browser_cannot_subscribe()
    {
        await using var alice = await SignedUpWithPermissionAsync("alice", "Alice");
        var (userId, _) = await alice.SessionAsync();
        var posted = new List<string>();
        alice.Page.Request += (_, r) => { if (r.Url.Contains("/api/push/subscriptions", StringComparison.Ordinal)) lock (posted) posted.Add(r.Method); };

        var dialog = await OpenSettingsAsync(alice);
        var toggle = dialog.GetByRole(AriaRole.Switch, new() { Name = Switch });
        await Expect(toggle).Not.ToBeCheckedAsync();
        await Expect(dialog.Locator("#push-status")).ToHaveTextAsync(Off());
        await toggle.ClickAsync();

        // The push service is out of reach (and Playwright's contexts are private windows): the reason is shown.
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("This browser could not subscribe at its push service");
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("notifications stay off");
        await Expect(toggle).Not.ToBeCheckedAsync();
        await Expect(dialog.Locator("#push-status")).ToHaveTextAsync(Off());

        // The service worker is installed for the whole page, from /js/ thanks to Service-Worker-Allowed.
        var registration = await alice.Page.EvaluateAsync<string[]>(
            "async () => { const r = await navigator.serviceWorker.getRegistration('/'); return [r.scope, r.active.scriptURL]; }");
        Assert.Equal(browser.System.GatewayUrl + "/", registration[0]);
        Assert.Equal(browser.System.GatewayUrl + "/js/service-worker.js", registration[1]);
        var sw = await browser.System.Http.GetAsync(browser.System.GatewayUrl + "/js/service-worker.js");
        Assert.Equal("/", Assert.Single(sw.Headers.GetValues("Service-Worker-Allowed")));
        Assert.Equal("text/javascript", sw.Content.Headers.ContentType?.MediaType);

        // Nothing reached the server, and it stores nothing for Alice.
        lock (posted) Assert.Empty(posted);
        Assert.Empty(await Store().SubscriptionsOfAsync(userId, default));
    }

    [Fact]
    public async Task The_switch_is_off_and_says_why_when_notifications_are_blocked_or_the_browser_has_no_push()
    {
        // Blocked in the site settings: the browser-wide permission set to denied for this context.
        await using var alice = await browser.OpenAsync();
        await alice.SignUpAsync(ChatPage.NewUsername("alice"), "Alice");
        var page = await alice.Context.NewCDPSessionAsync(alice.Page);
        var contextId = (await page.SendAsync("Target.getTargetInfo"))!.Value.GetProperty("targetInfo").GetProperty("browserContextId").GetString()!;
        var root = await browser.Browser.NewBrowserCDPSessionAsync();
        await root.SendAsync("Browser.setPermission", new Dictionary<string, object>
        {
            ["permission"] = new Dictionary<string, object> { ["name"] = "notifications" },
            ["setting"] = "denied",
            ["origin"] = browser.System.GatewayUrl,
            ["browserContextId"] = contextId,
        });
        Assert.Equal("denied", await alice.Page.EvaluateAsync<string>("() => Notification.permission"));
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Settings" }).ClickAsync();
        var dialog = alice.Page.GetByRole(AriaRole.Dialog, new() { Name = "Settings" });
        await Expect(dialog.Locator("#push-status")).ToContainTextAsync("Blocked: notifications are blocked for this site");
        await Expect(dialog.GetByRole(AriaRole.Switch, new() { Name = Switch })).ToBeDisabledAsync();
        await Expect(dialog.GetByRole(AriaRole.Switch, new() { Name = Switch })).Not.ToBeCheckedAsync();

        // A browser without the Push API.
        await using var bob = await browser.OpenAsync();
        await bob.Context.AddInitScriptAsync("delete window.PushManager;");
        await bob.Page.ReloadAsync();
        await bob.SignUpAsync(ChatPage.NewUsername("bob"), "Bob");
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Settings" }).ClickAsync();
        dialog = bob.Page.GetByRole(AriaRole.Dialog, new() { Name = "Settings" });
        await Expect(dialog.Locator("#push-status")).ToHaveTextAsync("Unavailable: This browser cannot receive push notifications (it has no service workers or Push API).");
        await Expect(dialog.GetByRole(AriaRole.Switch, new() { Name = Switch })).ToBeDisabledAsync();
    }

    [Fact]
    public async Task A_subscription_the_browser_makes_is_stored_for_the_user_with_the_servers_key_and_turning_off_removes_it()
    {
        await using var alice = await browser.OpenAsync();
        // A stand-in for chromium's push service, which is unreachable here: subscribe() answers a subscription with a
        // real P-256 key and auth secret and records what it was asked for. Everything else is the page's own code.
        await alice.Context.AddInitScriptAsync(PushServiceStandIn);
        await alice.Context.GrantPermissionsAsync(["notifications"], new() { Origin = browser.System.GatewayUrl });
        await alice.Page.ReloadAsync();
        await alice.SignUpAsync(ChatPage.NewUsername("alice"), "Alice");
        var (userId, _) = await alice.SessionAsync();
        var vapid = (await browser.System.Http.GetFromJsonAsync<JsonElement>(browser.System.GatewayUrl + "/api/push/vapid-public-key")).GetProperty("publicKey").GetString();

        var dialog = await OpenSettingsAsync(alice);
        var toggle = dialog.GetByRole(AriaRole.Switch, new() { Name = Switch });
        await toggle.ClickAsync();
        await Expect(toggle).ToBeCheckedAsync();
        await Expect(dialog.Locator("#push-status")).ToContainTextAsync("On: while you have ChatStreams open nowhere");
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToHaveTextAsync("");
        await alice.ScreenshotAsync("notification-settings");

        var asked = await alice.Page.EvaluateAsync<JsonElement>("() => window.pushServiceStandIn.calls");
        Assert.Equal(1, asked.GetArrayLength());
        Assert.True(asked[0].GetProperty("userVisibleOnly").GetBoolean());
        Assert.Equal(vapid, asked[0].GetProperty("applicationServerKey").GetString());
        var made = await alice.Page.EvaluateAsync<JsonElement>("() => window.pushServiceStandIn.current.toJSON()");
        var stored = Assert.Single(await Store().SubscriptionsOfAsync(userId, default));
        Assert.Equal(made.GetProperty("endpoint").GetString(), stored.Endpoint);
        Assert.Equal(made.GetProperty("keys").GetProperty("p256dh").GetString(), stored.P256dh);
        Assert.Equal(made.GetProperty("keys").GetProperty("auth").GetString(), stored.Auth);

        // Reopened, the dialog reads the browser's state: on.
        await alice.Page.Keyboard.PressAsync("Escape");
        dialog = await OpenSettingsAsync(alice);
        toggle = dialog.GetByRole(AriaRole.Switch, new() { Name = Switch });
        await Expect(toggle).ToBeCheckedAsync();

        await toggle.ClickAsync();
        await Expect(toggle).Not.ToBeCheckedAsync();
        await Expect(dialog.Locator("#push-status")).ToHaveTextAsync(Off());
        Assert.Equal(JsonValueKind.Null, (await alice.Page.EvaluateAsync<JsonElement>("() => window.pushServiceStandIn.current")).ValueKind);
        Assert.Empty(await Store().SubscriptionsOfAsync(userId, default));
    }

    [Fact]
    public async Task The_service_worker_shows_a_push_unless_its_chat_is_on_screen_and_a_click_opens_the_chat()
    {
        await using var alice = await SignedUpWithPermissionAsync("alice", "Alice");
        await using var bob = await browser.OpenAsync();
        await bob.SignUpAsync(ChatPage.NewUsername("bob"), "Bob");
        var (aliceId, _) = await alice.SessionAsync();
        var (bobId, _) = await bob.SessionAsync();
        await alice.StartDirectChatAsync(bob.Username);
        await alice.CreateGroupAsync("Trip", bob.Username);
        var direct = await alice.ConversationIdAsync("Bob");
        var trip = await alice.ConversationIdAsync("Trip");

        // The switch installs the service worker (the subscription itself fails here, see above).
        var dialog = await OpenSettingsAsync(alice);
        await dialog.GetByRole(AriaRole.Switch, new() { Name = Switch }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).Not.ToBeEmptyAsync();
        await alice.Page.Keyboard.PressAsync("Escape");
        var worker = await ServiceWorkerProbe.AttachAsync(alice, browser.System.GatewayUrl);

        // Alice has "Trip" open. A push about the direct chat is shown, ready as the sender built it.
        await Expect(alice.Page.Locator("#thread-title")).ToHaveTextAsync("Trip");
        await worker.DeliverPushAsync(Payload(aliceId, direct, null, 5, bobId, "see you at 5"));
        var shown = await worker.NotificationAsync($"conversation:{direct}");
        Assert.Equal("New message", shown.Title);
        Assert.Equal("see you at 5", shown.Body);
        Assert.True(shown.Renotify);
        Assert.Equal(direct, shown.Data.GetProperty("conversationId").GetString());
        Assert.Equal(5, shown.Data.GetProperty("seq").GetInt64());

        // A push about the chat on screen stays silent (handled to the end, so nothing can still come of it); the next
        // one about the other chat replaces its notification.
        await worker.DeliverPushAsync(Payload(aliceId, trip, "Trip", 7, bobId, "already reading this"));
        Assert.Empty(await worker.NotificationsAsync($"conversation:{trip}"));
        await worker.DeliverPushAsync(Payload(aliceId, direct, null, 6, bobId, "and bring snacks"));
        Assert.Equal("and bring snacks", (await worker.NotificationAsync($"conversation:{direct}")).Body);
        Assert.Empty(await worker.NotificationsAsync($"conversation:{trip}"));

        // The same chat is not "on screen" for another user of this browser: Bob's push about it is shown.
        await worker.DeliverPushAsync(Payload(bobId, trip, "Trip", 8, aliceId, "for the other login"));
        Assert.Equal("New message in Trip", (await worker.NotificationAsync($"conversation:{trip}")).Title);

        // A click opens the chat in the page (its address follows) and the notification goes.
        await worker.ClickAsync($"conversation:{direct}");
        await Expect(alice.Page.Locator("#thread-title")).ToHaveTextAsync("Bob");
        Assert.EndsWith($"#/c/{direct}", alice.Page.Url);
        Assert.Empty(await worker.NotificationsAsync($"conversation:{direct}"));

        // A push this version cannot read still shows something (userVisibleOnly).
        await worker.DeliverPushAsync("not json");
        Assert.Equal("You have new messages.", (await worker.NotificationAsync("chatstreams:messages")).Body);
    }

    /// <summary>The JSON the notifications sender pushes for one message (its own code builds it).</summary>
    private static string Payload(string userId, string conversationId, string? title, long seq, string senderId, string preview)
    {
        var digest = NotificationDigest.PerUser([new Notification
        {
            UserId = userId, ConversationId = conversationId, Seq = seq, SenderId = senderId, Preview = preview,
            CreatedAt = DateTime.UtcNow, ConversationTitle = title,
        }]).Single();
        return Encoding.UTF8.GetString(PushPayload.Build(digest));
    }

    private const string PushServiceStandIn = """
        (() => {
          const b64url = bytes => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
          const standIn = window.pushServiceStandIn = { calls: [], current: null };
          PushManager.prototype.subscribe = async function (options) {
            const key = new Uint8Array(options.applicationServerKey);
            standIn.calls.push({ userVisibleOnly: options.userVisibleOnly, applicationServerKey: b64url(key) });
            const pair = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
            const keys = { p256dh: b64url(new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey))), auth: b64url(crypto.getRandomValues(new Uint8Array(16))) };
            const endpoint = "https://push.example.invalid/stand-in/" + crypto.randomUUID();
            standIn.current = {
              endpoint, expirationTime: null, options: { userVisibleOnly: true, applicationServerKey: key.buffer },
              toJSON: () => ({ endpoint, expirationTime: null, keys }),
              unsubscribe: async () => { standIn.current = null; return true; },
            };
            return standIn.current;
          };
          PushManager.prototype.getSubscription = async function () { return standIn.current; };
        })();
        """;
}
