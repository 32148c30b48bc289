using ChatStreams.Notifications.Delivery;
using ChatStreams.Notifications.Preferences;
using ChatStreams.Notifications.Webhook;
using ChatStreams.Notifications.WebPush;
using ChatStreams.Sinks;
using chatstreams.v1;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Notifications;

/// <summary>
/// The push sender, as the writer of a <see cref="SinkRunner{T}"/> on chat.notifications (group
/// chatstreams-notifications): a batch is "written" when each of its notifications was delivered or given up on.
/// Per batch: drop what the sent ledger already holds (a replay), drop muted conversations, fold each user's
/// notifications into one digest, deliver it to the webhook and to every push subscription of the user (retrying
/// passing failures), then record its keys in the ledger. A failure of the stores throws, and the runner writes the
/// batch again; the ledger keeps that from repeating what was already sent.
/// </summary>
public sealed class NotificationSender : ISinkWriter<Notification>
{
    public const string SinkName = "notifications";

    private readonly IPushPreferences _preferences;
    private readonly ISentLedger _ledger;
    private readonly WebPushSender _push;
    private readonly WebhookSender? _webhook;
    private readonly DeliveryRetry _retry;
    private readonly NotificationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;

    public NotificationSender(IPushPreferences preferences, ISentLedger ledger, VapidKeys vapid, HttpClient http, NotificationOptions options,
        TimeProvider time, ILogger logger)
    {
        NotificationOptionsValidator.ThrowIfInvalid(options);
        _preferences = preferences;
        _ledger = ledger;
        _options = options;
        _time = time;
        _logger = logger;
        _push = new WebPushSender(http, new VapidTokens(vapid, options.VapidSubject, options.VapidTokenLifetime, time), options, time);
        _webhook = string.IsNullOrWhiteSpace(options.WebhookUrl) ? null : new WebhookSender(http, options, time);
        _retry = new DeliveryRetry(options, time, logger);
    }

    public bool HasWebhook => _webhook is not null;

    public async Task WriteAsync(IReadOnlyList<Notification> batch, CancellationToken ct)
    {
        var keys = batch.Select(NotificationKey.Of).Distinct().ToList();
        var recorded = await _ledger.RecordedAsync(keys, ct);
        var fresh = batch.Where(n => !recorded.Contains(NotificationKey.Of(n))).ToList();
        if (recorded.Count > 0)
            _logger.LogInformation("{Count} notifications of this batch were already sent (a replay); they are not sent again.", recorded.Count);
        var digests = NotificationDigest.PerUser(fresh);
        await Parallel.ForEachAsync(digests, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelUsers, CancellationToken = ct },
            async (digest, token) => await SendAsync(digest, token));
        await PruneLedgerAsync(ct);
    }

    private async Task SendAsync(NotificationDigest all, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var muted = (await _preferences.MutesOfAsync(all.UserId, now, ct)).Select(m => m.ConversationId).ToHashSet(StringComparer.Ordinal);
        var mutedKeys = all.Notifications.Where(n => muted.Contains(n.ConversationId)).Select(NotificationKey.Of).ToList();
        await _ledger.RecordAsync(mutedKeys, "muted", now, ct);
        if (mutedKeys.Count == all.Notifications.Count) return;
        var digest = mutedKeys.Count == 0 ? all : NotificationDigest.PerUser(all.Notifications.Where(n => !muted.Contains(n.ConversationId))).Single();

        var delivered = 0;
        var attempted = 0;
        if (_webhook is not null)
        {
            attempted++;
            var result = await _retry.RunAsync($"webhook for user {digest.UserId}", token => _webhook.SendAsync(digest, token), ct);
            if (result.Outcome == AttemptOutcome.Delivered) delivered++;
            else _logger.LogWarning("The webhook did not take the notifications of user {User} ({Reason}); they are dropped.", digest.UserId, result.Reason);
        }
        var subscriptions = await _preferences.SubscriptionsOfAsync(digest.UserId, ct);
        if (subscriptions.Count > 0)
        {
            var payload = PushPayload.Build(digest);
            var topic = digest.Conversations.Count == 1 ? WebPushSender.TopicFor(digest.Latest.ConversationId) : null;
            foreach (var subscription in subscriptions)
            {
                attempted++;
                var result = await _retry.RunAsync($"push service {Origin(subscription.Endpoint)}", token => _push.SendAsync(subscription, payload, topic, token), ct);
                switch (result.Outcome)
                {
                    case AttemptOutcome.Delivered:
                        delivered++;
                        break;
                    case AttemptOutcome.Gone:
                        _logger.LogInformation("The push subscription at {Origin} of user {User} is gone ({Reason}); it is deleted.",
                            Origin(subscription.Endpoint), digest.UserId, result.Reason);
                        await _preferences.RemoveSubscriptionAsync(subscription.UserId, subscription.Endpoint, ct);
                        break;
                    default:
                        _logger.LogWarning("The push service {Origin} refused a push for user {User} ({Reason}); it is dropped.",
                            Origin(subscription.Endpoint), digest.UserId, result.Reason);
                        break;
                }
            }
        }
        var outcome = attempted == 0 ? "no_channel" : delivered > 0 ? "delivered" : "given_up";
        await _ledger.RecordAsync(digest.Keys.ToList(), outcome, _time.GetUtcNow(), ct);
        _logger.LogDebug("User {User}: {Count} notifications, {Delivered} of {Attempted} deliveries succeeded.",
            digest.UserId, digest.Notifications.Count, delivered, attempted);
    }

    private async Task PruneLedgerAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (now - _lastPrune < TimeSpan.FromHours(1)) return;
        _lastPrune = now;
        var pruned = await _ledger.PruneAsync(now - _options.LedgerRetention, ct);
        if (pruned > 0) _logger.LogInformation("Forgot {Count} sent-ledger entries older than {Retention}.", pruned, _options.LedgerRetention);
    }

    // Push endpoint paths identify a device; logs name only the push service.
    private static string Origin(string endpoint) => Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : "(invalid endpoint)";
}
