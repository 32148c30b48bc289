using System.Text;
using System.Text.Json;
using ChatStreams.Notifications.Delivery;
using ChatStreams.Notifications.Preferences;
using ChatStreams.Notifications.Tests.Support;
using ChatStreams.Notifications.Webhook;

namespace ChatStreams.Notifications.Tests;

/// <summary>
/// The sender against a real HTTP server standing in for push services and the webhook receiver: what arrives is
/// decrypted with the browser's key and checked as a browser and a push service would.
/// </summary>
public sealed class NotificationSenderTests
{
    private static JsonElement Payload(BrowserSubscription browser, PushServiceStub.Received request) =>
        JsonDocument.Parse(browser.Decrypt(request.Body)).RootElement.Clone();

    [Fact]
    public async Task Each_user_gets_one_encrypted_push_per_device_for_the_batch_with_vapid_ttl_and_urgency()
    {
        await using var h = await SenderHarness.StartAsync();
        var phone = await h.SubscribeAsync("ann", "ann-phone");
        var laptop = await h.SubscribeAsync("ann", "ann-laptop");
        var bob = await h.SubscribeAsync("bob", "bob-phone");

        await h.CreateSender().WriteAsync([
            TestNotifications.For("ann", "team", 1, "one", "Team"),
            TestNotifications.For("bob", "team", 1, "one", "Team"),
            TestNotifications.For("ann", "team", 2, "two", "Team"),
            TestNotifications.For("ann", "team", 3, "three", "Team", sender: "carl"),
        ], default);

        Assert.Equal(3, h.Push.Requests.Count);
        foreach (var (browser, device) in new[] { (phone, "ann-phone"), (laptop, "ann-laptop") })
        {
            var request = Assert.Single(h.Push.To($"/push/{device}"));
            var payload = Payload(browser, request);
            Assert.Equal("3 new messages in Team", payload.GetProperty("title").GetString());
            Assert.Equal("three", payload.GetProperty("body").GetString());
            Assert.Equal(3, payload.GetProperty("seq").GetInt64());
            Assert.Equal("carl", payload.GetProperty("senderId").GetString());
            Assert.Equal("aes128gcm", request.Headers["Content-Encoding"]);
            Assert.Equal("14400", request.Headers["TTL"]);
            Assert.Equal("high", request.Headers["Urgency"]);
            Assert.True(request.Headers.ContainsKey("Topic"));
            var claims = VapidTests.VerifiedClaims(request.Headers["Authorization"], out var k);
            Assert.Equal(h.Vapid.PublicKeyText, k);
            Assert.Equal(h.Push.Url, claims.GetProperty("aud").GetString());
            Assert.Equal("mailto:ops@chatstreams.test", claims.GetProperty("sub").GetString());
        }
        Assert.Equal("New message in Team", Payload(bob, Assert.Single(h.Push.To("/push/bob-phone"))).GetProperty("title").GetString());
    }

    [Fact]
    public async Task Muted_conversations_send_nothing_and_an_expired_mute_no_longer_counts()
    {
        await using var h = await SenderHarness.StartAsync();
        var phone = await h.SubscribeAsync("ann", "ann-phone");
        await h.Preferences.MuteAsync(new ConversationMute("ann", "noisy", null), default);
        await h.Preferences.MuteAsync(new ConversationMute("ann", "was-muted", DateTimeOffset.UtcNow.AddMinutes(-1)), default);
        await h.Preferences.MuteAsync(new ConversationMute("bob", "noisy", DateTimeOffset.UtcNow.AddHours(1)), default);
        await h.SubscribeAsync("bob", "bob-phone");
        var sender = h.CreateSender();

        await sender.WriteAsync([
            TestNotifications.For("ann", "noisy", 1, "ignore me", "Noisy"),
            TestNotifications.For("ann", "was-muted", 5, "read me", "Quiet again"),
            TestNotifications.For("bob", "noisy", 1, "ignore me", "Noisy"),
        ], default);

        var payload = Payload(phone, Assert.Single(h.Push.Requests));
        Assert.Equal("New message in Quiet again", payload.GetProperty("title").GetString());
        Assert.Equal(1, payload.GetProperty("count").GetInt32());
        Assert.Empty(h.Push.To("/push/bob-phone"));

        // Unmuting later does not bring back what was skipped while muted (it is in the ledger as muted).
        await h.Preferences.UnmuteAsync("bob", "noisy", default);
        await sender.WriteAsync([TestNotifications.For("bob", "noisy", 1, "ignore me", "Noisy")], default);
        Assert.Empty(h.Push.To("/push/bob-phone"));
    }

    [Fact]
    public async Task A_subscription_answered_410_or_404_is_deleted_and_the_others_still_get_the_push()
    {
        await using var h = await SenderHarness.StartAsync();
        await h.SubscribeAsync("ann", "old-browser");
        await h.SubscribeAsync("ann", "unknown-browser");
        var phone = await h.SubscribeAsync("ann", "ann-phone");
        h.Push.Answer("/push/old-browser", 410);
        h.Push.Answer("/push/unknown-browser", 404);

        await h.CreateSender().WriteAsync([TestNotifications.For("ann", "dm-1", 4, "hello")], default);

        Assert.Single(h.Push.To("/push/old-browser")); // not retried
        Assert.Single(h.Push.To("/push/unknown-browser"));
        Assert.Equal("hello", Payload(phone, Assert.Single(h.Push.To("/push/ann-phone"))).GetProperty("body").GetString());
        var left = await h.Preferences.SubscriptionsOfAsync("ann", default);
        Assert.Equal([phone.Subscription.Endpoint], left.Select(s => s.Endpoint));
    }

    [Fact]
    public async Task Server_errors_and_429_are_retried_with_backoff_honouring_retry_after_then_delivered()
    {
        await using var h = await SenderHarness.StartAsync();
        var phone = await h.SubscribeAsync("ann", "ann-phone");
        h.Push.Answer("/push/ann-phone", 503, retryAfter: "1");
        h.Push.Answer("/push/ann-phone", 500);
        h.Push.Answer("/push/ann-phone", 429);

        await h.CreateSender().WriteAsync([TestNotifications.For("ann", "dm-1", 4, "hello")], default);

        var attempts = h.Push.To("/push/ann-phone");
        Assert.Equal(4, attempts.Count);
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromMilliseconds(950), $"Retry-After 1 s, waited {(attempts[1].At - attempts[0].At).TotalMilliseconds} ms");
        Assert.True(attempts[2].At - attempts[1].At >= TimeSpan.FromMilliseconds(190), "the back-off doubled from 100 ms");
        Assert.True(attempts[3].At - attempts[2].At >= TimeSpan.FromMilliseconds(390), "and doubled again");
        foreach (var attempt in attempts) Assert.Equal("hello", Payload(phone, attempt).GetProperty("body").GetString());
        Assert.Single(await h.Preferences.SubscriptionsOfAsync("ann", default));
    }

    [Fact]
    public async Task A_permanent_4xx_is_dropped_after_one_attempt_and_a_push_service_down_is_given_up_after_max_attempts()
    {
        await using var h = await SenderHarness.StartAsync(o => o.MaxAttempts = 2);
        await h.SubscribeAsync("ann", "bad-request");
        await h.SubscribeAsync("bob", "down");
        h.Push.Answer("/push/bad-request", 400);
        for (var i = 0; i < 5; i++) h.Push.Answer("/push/down", 502);
        var sender = h.CreateSender();
        var batch = new[] { TestNotifications.For("ann", "dm-1", 4, "hello"), TestNotifications.For("bob", "dm-2", 9, "hello") };

        await sender.WriteAsync(batch, default);
        Assert.Single(h.Push.To("/push/bad-request"));
        Assert.Equal(2, h.Push.To("/push/down").Count);
        Assert.Single(await h.Preferences.SubscriptionsOfAsync("ann", default)); // kept: a 400 is about this request, not the subscription

        // Given up on is written too: the batch replayed sends nothing again.
        await sender.WriteAsync(batch, default);
        Assert.Equal(3, h.Push.Requests.Count);
        Assert.Equal(2, (await h.Ledger.RecordedAsync(batch.Select(NotificationKey.Of).ToList(), default)).Count);
    }

    [Fact]
    public async Task The_webhook_gets_a_signed_body_per_user_and_is_retried()
    {
        const string secret = "webhook-secret-for-the-test";
        await using var h = await SenderHarness.StartAsync();
        h.Options.WebhookUrl = $"{h.Push.Url}/hook";
        h.Options.WebhookSecret = secret;
        h.Push.Answer("/hook", 503);

        await h.CreateSender().WriteAsync([
            TestNotifications.For("ann", "team", 1, "one", "Team"),
            TestNotifications.For("ann", "team", 2, "two", "Team"),
        ], default);

        var calls = h.Push.To("/hook");
        Assert.Equal(2, calls.Count);
        var delivered = calls[1];
        Assert.True(WebhookSignature.Verify(secret, delivered.Headers[WebhookSignature.TimestampHeader], delivered.Headers[WebhookSignature.SignatureHeader],
            delivered.Body, DateTimeOffset.UtcNow, WebhookSignature.DefaultTolerance));
        Assert.StartsWith("application/json", delivered.Headers["Content-Type"]);
        using var json = JsonDocument.Parse(delivered.Body);
        var root = json.RootElement;
        Assert.Equal("chat.notifications", root.GetProperty("type").GetString());
        Assert.Equal("ann", root.GetProperty("userId").GetString());
        Assert.Equal(root.GetProperty("deliveryId").GetString(), delivered.Headers[WebhookSignature.DeliveryHeader]);
        Assert.Equal(calls[0].Headers[WebhookSignature.DeliveryHeader], delivered.Headers[WebhookSignature.DeliveryHeader]);
        Assert.Equal("2 new messages in Team", root.GetProperty("push").GetProperty("title").GetString());
        Assert.Equal([1L, 2], root.GetProperty("notifications").EnumerateArray().Select(n => n.GetProperty("seq").GetInt64()));
        Assert.False(WebhookSignature.Verify("another-secret-of-some-length", delivered.Headers[WebhookSignature.TimestampHeader],
            delivered.Headers[WebhookSignature.SignatureHeader], delivered.Body, DateTimeOffset.UtcNow, WebhookSignature.DefaultTolerance));
        Assert.Contains("\"preview\":\"two\"", Encoding.UTF8.GetString(delivered.Body));
    }

    [Fact]
    public async Task A_batch_written_again_sends_only_what_was_not_sent()
    {
        await using var h = await SenderHarness.StartAsync();
        var phone = await h.SubscribeAsync("ann", "ann-phone");
        var sender = h.CreateSender();
        await sender.WriteAsync([TestNotifications.For("ann", "team", 1, "one", "Team")], default);
        await sender.WriteAsync([TestNotifications.For("ann", "team", 1, "one", "Team"), TestNotifications.For("ann", "team", 2, "two", "Team")], default);

        var requests = h.Push.To("/push/ann-phone");
        Assert.Equal(2, requests.Count);
        var second = Payload(phone, requests[1]);
        Assert.Equal(1, second.GetProperty("count").GetInt32());
        Assert.Equal(2, second.GetProperty("seq").GetInt64());
    }

    [Fact]
    public void Bad_options_are_named()
    {
        var errors = NotificationOptionsValidator.Validate(new NotificationOptions
        {
            WebhookUrl = "ftp://x", VapidPublicKey = "abc", VapidSubject = "ops", Urgency = "asap", MaxAttempts = 0,
            VapidTokenLifetime = TimeSpan.FromHours(25),
        });
        Assert.Contains(errors, e => e.Contains("WebhookUrl"));
        Assert.Contains(errors, e => e.Contains("WebhookSecret"));
        Assert.Contains(errors, e => e.Contains("VapidPrivateKey"));
        Assert.Contains(errors, e => e.Contains("VapidSubject"));
        Assert.Contains(errors, e => e.Contains("Urgency"));
        Assert.Contains(errors, e => e.Contains("MaxAttempts"));
        Assert.Contains(errors, e => e.Contains("VapidTokenLifetime"));
        Assert.Empty(NotificationOptionsValidator.Validate(new NotificationOptions()));
    }
}
