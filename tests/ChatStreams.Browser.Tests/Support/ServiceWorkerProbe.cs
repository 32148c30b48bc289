using System.Text.Json;
using Microsoft.Playwright;

namespace ChatStreams.Browser.Tests.Support;

/// <summary>
/// The page's service worker seen from outside: real push events delivered through the DevTools protocol
/// (ServiceWorker.deliverPushMessage: the event a push service's message causes, minus the network), and the
/// notifications it shows (registration.getNotifications()), and its notificationclick handler run in the worker.
/// </summary>
/// <remarks>
/// Notifications are read only once the worker has finished with every push delivered, never while one is being
/// shown: chromium's getNotifications() keeps a stored notification only if the platform already displays it or it
/// was stored after the read began, and deletes every other one from its database
/// (content/browser/notifications/platform_notification_context_impl.cc,
/// DoReadAllNotificationDataForServiceWorkerRegistration). A read that falls between the worker's showNotification()
/// storing a notification and the platform displaying it loses that notification for good: it stays on display, but no
/// later read lists it. Polling getNotifications() every 100 ms while a push was being shown hit that window on a
/// loaded machine about one run in three. So DeliverPushAsync returns when chromium reports the push event completed
/// (the BackgroundService domain's "Push event completed", logged after the event's waitUntil promise settled).
/// Also: with no notification server (headless, no D-Bus) chromium shows notifications as popups only and removes a
/// web page's popup 25 s after showing it (ui/message_center popup timers), so a notification is read soon after its
/// push, not after long waits.
/// </remarks>
public sealed class ServiceWorkerProbe
{
    private static readonly TimeSpan PushHandlingTimeout = TimeSpan.FromSeconds(30);

    private readonly ChatPage _page;
    private readonly ICDPSession _cdp;
    private readonly string _origin;
    private readonly string _registrationId;
    private readonly SemaphoreSlim _pushesCompleted = new(0);

    private ServiceWorkerProbe(ChatPage page, ICDPSession cdp, string origin, string registrationId)
    {
        _page = page;
        _cdp = cdp;
        _origin = origin;
        _registrationId = registrationId;
    }

    /// <summary>Attaches once the page has registered its service worker for scope "/" and that worker is active.</summary>
    public static async Task<ServiceWorkerProbe> AttachAsync(ChatPage page, string gatewayUrl)
    {
        var origin = new Uri(gatewayUrl).GetLeftPart(UriPartial.Authority);
        var cdp = await page.Context.NewCDPSessionAsync(page.Page);
        var registration = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        cdp.Event("ServiceWorker.workerRegistrationUpdated").OnEvent += (_, e) =>
        {
            foreach (var r in e!.Value.GetProperty("registrations").EnumerateArray())
                if (r.GetProperty("scopeURL").GetString() == origin + "/" && !r.GetProperty("isDeleted").GetBoolean())
                    registration.TrySetResult(r.GetProperty("registrationId").GetString()!);
        };
        await cdp.SendAsync("ServiceWorker.enable");
        var id = await registration.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // A registration exists as soon as the worker starts installing; a push delivered before it is active is
        // dropped (seen on a loaded CI machine). `ready` resolves once the page's registration has an active worker.
        await page.Page.EvaluateAsync("async () => { await navigator.serviceWorker.ready; }");
        var probe = new ServiceWorkerProbe(page, cdp, origin, id);
        cdp.Event("BackgroundService.backgroundServiceEventReceived").OnEvent += (_, e) =>
        {
            var logged = e!.Value.GetProperty("backgroundServiceEvent");
            if (logged.GetProperty("serviceWorkerRegistrationId").GetString() == id
                && logged.GetProperty("eventName").GetString() == "Push event completed")
                probe._pushesCompleted.Release();
        };
        var pushMessaging = new Dictionary<string, object> { ["service"] = "pushMessaging" };
        await cdp.SendAsync("BackgroundService.startObserving", pushMessaging);
        await cdp.SendAsync("BackgroundService.setRecording", new Dictionary<string, object> { ["service"] = "pushMessaging", ["shouldRecord"] = true });
        return probe;
    }

    /// <summary>
    /// Evaluates in the service worker. Playwright for .NET has no handle on service workers, so this attaches to the
    /// worker's DevTools target of this page's browser context (the context of the page's own target) and runs
    /// Runtime.evaluate there.
    /// </summary>
    private async Task<JsonElement> EvaluateInWorkerAsync(string expression)
    {
        await _cdp.SendAsync("ServiceWorker.startWorker", new Dictionary<string, object> { ["scopeURL"] = _origin + "/" });
        var own = (await _cdp.SendAsync("Target.getTargetInfo"))!.Value.GetProperty("targetInfo").GetProperty("browserContextId").GetString();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string targetId;
        while (true)
        {
            var targets = (await _cdp.SendAsync("Target.getTargets"))!.Value.GetProperty("targetInfos").EnumerateArray();
            var worker = targets.FirstOrDefault(t => t.GetProperty("type").GetString() == "service_worker"
                && t.GetProperty("browserContextId").GetString() == own
                && t.GetProperty("url").GetString()!.EndsWith("/js/service-worker.js", StringComparison.Ordinal));
            if (worker.ValueKind == JsonValueKind.Object) { targetId = worker.GetProperty("targetId").GetString()!; break; }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the page's service worker is not running");
            await Task.Delay(100);
        }
        var session = (await _cdp.SendAsync("Target.attachToTarget", new Dictionary<string, object> { ["targetId"] = targetId, ["flatten"] = false }))!
            .Value.GetProperty("sessionId").GetString()!;
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnMessage(object? sender, JsonElement? e)
        {
            if (e!.Value.GetProperty("sessionId").GetString() != session) return;
            using var message = JsonDocument.Parse(e.Value.GetProperty("message").GetString()!);
            if (message.RootElement.TryGetProperty("id", out var id) && id.GetInt32() == 1) answer.TrySetResult(message.RootElement.Clone());
        }
        var received = _cdp.Event("Target.receivedMessageFromTarget");
        received.OnEvent += OnMessage;
        try
        {
            var request = JsonSerializer.Serialize(new { id = 1, method = "Runtime.evaluate", @params = new { expression, awaitPromise = true, returnByValue = true } });
            await _cdp.SendAsync("Target.sendMessageToTarget", new Dictionary<string, object> { ["sessionId"] = session, ["message"] = request });
            var result = await answer.Task.WaitAsync(TimeSpan.FromSeconds(30));
            if (result.GetProperty("result").TryGetProperty("exceptionDetails", out var error)) throw new InvalidOperationException($"in the service worker: {error}");
            return result.GetProperty("result").GetProperty("result").TryGetProperty("value", out var value) ? value : default;
        }
        finally
        {
            received.OnEvent -= OnMessage;
            await _cdp.SendAsync("Target.detachFromTarget", new Dictionary<string, object> { ["sessionId"] = session });
        }
    }

    /// <summary>Delivers one push and returns once the worker has handled it (its push event completed).</summary>
    public async Task DeliverPushAsync(string payload)
    {
        await _cdp.SendAsync("ServiceWorker.deliverPushMessage", new Dictionary<string, object>
        {
            ["origin"] = _origin,
            ["registrationId"] = _registrationId,
            ["data"] = payload,
        });
        if (!await _pushesCompleted.WaitAsync(PushHandlingTimeout))
            throw new TimeoutException($"the service worker did not finish handling a push within {PushHandlingTimeout.TotalSeconds} s (no 'Push event completed' from chromium); shown: {await ShownAsync()}");
    }

    public sealed record Shown(string Title, string Body, string Tag, bool Renotify, JsonElement Data);

    /// <summary>The notifications the worker shows now (optionally those with one tag), as the page's registration lists them.</summary>
    public async Task<IReadOnlyList<Shown>> NotificationsAsync(string? tag = null)
    {
        var json = await _page.Page.EvaluateAsync<string>(
            "async tag => { const r = await navigator.serviceWorker.getRegistration('/'); return JSON.stringify((await r.getNotifications(tag ? { tag } : {})).map(n => ({ title: n.title, body: n.body, tag: n.tag, renotify: n.renotify, data: n.data }))); }",
            tag);
        return JsonSerializer.Deserialize<List<Shown>>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    /// <summary>The one notification shown with this tag; fails saying what is shown instead.</summary>
    public async Task<Shown> NotificationAsync(string tag)
    {
        var shown = await NotificationsAsync(tag);
        return shown.Count == 1 ? shown[0] : throw new InvalidOperationException($"expected one notification tagged {tag}; shown: {await ShownAsync()}");
    }

    private async Task<string> ShownAsync() =>
        string.Join(", ", (await NotificationsAsync()).Select(n => $"{n.Tag}: {n.Title} / {n.Body}")) is { Length: > 0 } all ? all : "nothing";

    /// <summary>
    /// Runs the worker's notificationclick handler for the shown notification with this tag. Headless chromium has no
    /// notification to click, so the event is dispatched in the worker; being script-made it carries no user activation,
    /// so the handler's focus() / openWindow() are refused there, but its message to the page is what opens the chat.
    /// </summary>
    public async Task ClickAsync(string tag)
    {
        var clicked = await EvaluateInWorkerAsync(
            $"(async () => {{ const [n] = await self.registration.getNotifications({{ tag: {JsonSerializer.Serialize(tag)} }}); if (!n) return false; " +
            "self.dispatchEvent(new NotificationEvent('notificationclick', { notification: n })); return true; })()");
        if (clicked.ValueKind != JsonValueKind.True) throw new InvalidOperationException($"no notification tagged {tag} to click");
    }
}
