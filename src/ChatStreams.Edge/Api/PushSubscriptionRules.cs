using System.Net;
using ChatStreams.Notifications;
using ChatStreams.Notifications.WebPush;

namespace ChatStreams.Edge.Api;

/// <summary>What a browser's PushSubscription must look like before the sender will ever POST to it.</summary>
public static class PushSubscriptionRules
{
    public const int MaxEndpointLength = 2048;

    /// <summary>Every problem with the subscription, by JSON field; empty when it is acceptable.</summary>
    public static Dictionary<string, string[]> Validate(string? endpoint, string? p256dh, string? auth, NotificationOptions options)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(endpoint)) errors["endpoint"] = ["endpoint is missing: send the browser's PushSubscription.toJSON()"];
        else if (endpoint.Length > MaxEndpointLength) errors["endpoint"] = [$"endpoint is longer than {MaxEndpointLength} characters"];
        else if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            errors["endpoint"] = ["endpoint must be an absolute https URL of a push service"];
        else if (IsLoopback(uri))
        {
            if (!options.AllowLoopbackEndpoints) errors["endpoint"] = ["endpoint must not be a loopback address (Notifications:AllowLoopbackEndpoints is off)"];
        }
        else if (uri.Scheme != Uri.UriSchemeHttps) errors["endpoint"] = ["endpoint must use https"];

        var key = Base64Url.TryDecode(p256dh);
        if (key is null) errors["keys.p256dh"] = ["keys.p256dh is missing or not base64url"];
        else if (!P256.IsValidPublicKey(key))
            errors["keys.p256dh"] = [$"keys.p256dh must be a {P256.PublicKeyLength}-byte uncompressed P-256 public key; got {key.Length} bytes that are not one"];
        var secret = Base64Url.TryDecode(auth);
        if (secret is null) errors["keys.auth"] = ["keys.auth is missing or not base64url"];
        else if (secret.Length != WebPushEncryption.AuthSecretLength)
            errors["keys.auth"] = [$"keys.auth must be {WebPushEncryption.AuthSecretLength} bytes; got {secret.Length}"];
        return errors;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost, out var address) && IPAddress.IsLoopback(address));
}
