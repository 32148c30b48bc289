using System.Globalization;
using System.Net.Http.Headers;
using ChatStreams.Notifications.Delivery;
using ChatStreams.Notifications.Preferences;

namespace ChatStreams.Notifications.WebPush;

/// <summary>
/// One Web Push request (RFC 8030): the payload encrypted for the subscription (RFC 8291, aes128gcm), VAPID
/// authorization for the push service's origin (RFC 8292), TTL and Urgency.
/// </summary>
public sealed class WebPushSender(HttpClient http, VapidTokens vapid, NotificationOptions options, TimeProvider time)
{
    public Task<AttemptResult> SendAsync(PushSubscription subscription, byte[] payload, string? topic, CancellationToken ct)
    {
        var endpoint = new Uri(subscription.Endpoint);
        var userAgentKey = Base64Url.TryDecode(subscription.P256dh);
        var auth = Base64Url.TryDecode(subscription.Auth);
        if (userAgentKey is null || auth is null || !P256.IsValidPublicKey(userAgentKey) || auth.Length != WebPushEncryption.AuthSecretLength)
            return Task.FromResult(new AttemptResult(AttemptOutcome.Gone, "the stored subscription keys are not a valid p256dh/auth pair"));
        // A fresh ephemeral key and salt for every attempt: a retried request is a new, equally valid encryption.
        return HttpAttempts.SendAsync(http, () =>
        {
            var body = new ByteArrayContent(WebPushEncryption.Encrypt(payload, userAgentKey, auth));
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            body.Headers.ContentEncoding.Add("aes128gcm");
            var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = body };
            request.Headers.TryAddWithoutValidation("Authorization", vapid.AuthorizationFor(endpoint));
            request.Headers.Add("TTL", ((long)options.PushTimeToLive.TotalSeconds).ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("Urgency", options.Urgency);
            // Topic (RFC 8030 5.4): a newer message for the same conversation replaces one still queued for an offline device.
            if (topic is not null) request.Headers.Add("Topic", topic);
            return request;
        }, goneMeansGone: true, options.HttpTimeout, time, ct);
    }

    /// <summary>RFC 8030 topics are at most 32 base64url characters.</summary>
    public static string TopicFor(string conversationId) =>
        Base64Url.Encode(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(conversationId)))[..32];
}
