using System.Globalization;
using System.Net.Http.Headers;
using ChatStreams.Notifications.Delivery;

namespace ChatStreams.Notifications.Webhook;

/// <summary>One signed POST of a digest to Notifications:WebhookUrl.</summary>
public sealed class WebhookSender(HttpClient http, NotificationOptions options, TimeProvider time)
{
    private readonly Uri _url = new(options.WebhookUrl ?? throw new ArgumentException("Notifications:WebhookUrl is not set", nameof(options)));
    private readonly string _secret = options.WebhookSecret ?? throw new ArgumentException("Notifications:WebhookSecret is not set", nameof(options));

    public Task<AttemptResult> SendAsync(NotificationDigest digest, CancellationToken ct)
    {
        var body = WebhookBody.Build(digest);
        var deliveryId = WebhookBody.DeliveryId(digest);
        return HttpAttempts.SendAsync(http, () =>
        {
            // Signed at each attempt: a retry carries a current timestamp, so it passes the receiver's replay window.
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = content };
            request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(_secret, timestamp, body));
            request.Headers.Add(WebhookSignature.DeliveryHeader, deliveryId);
            return request;
        }, goneMeansGone: false, options.HttpTimeout, time, ct);
    }
}
