using System.Net;
using System.Net.Http.Headers;

namespace ChatStreams.Notifications.Delivery;

/// <summary>How one HTTP attempt (a push or a webhook call) ended, and so what to do next.</summary>
public enum AttemptOutcome
{
    Delivered,
    /// <summary>5xx, 429, 408 or a network error: try again after a pause (the answer's Retry-After when it has one).</summary>
    Retry,
    /// <summary>404 or 410 from a push service: the subscription no longer exists; delete it.</summary>
    Gone,
    /// <summary>Any other 4xx: the request itself is wrong and repeating it changes nothing; logged and dropped.</summary>
    Rejected,
}

public sealed record AttemptResult(AttemptOutcome Outcome, string Reason, TimeSpan? RetryAfter = null)
{
    public static AttemptResult Delivered { get; } = new(AttemptOutcome.Delivered, "delivered");

    /// <summary>Classifies an answer; <paramref name="goneMeansGone"/> is true for push services (404/410 end a subscription).</summary>
    public static AttemptResult FromResponse(HttpResponseMessage response, bool goneMeansGone, DateTimeOffset now)
    {
        var status = (int)response.StatusCode;
        var reason = $"HTTP {status} {response.ReasonPhrase}";
        if (status is >= 200 and < 300) return Delivered;
        if (goneMeansGone && response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone) return new(AttemptOutcome.Gone, reason);
        if (status >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout)
            return new(AttemptOutcome.Retry, reason, RetryAfterOf(response.Headers.RetryAfter, now));
        return new(AttemptOutcome.Rejected, reason);
    }

    private static TimeSpan? RetryAfterOf(RetryConditionHeaderValue? header, DateTimeOffset now)
    {
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date > now ? date - now : TimeSpan.Zero;
        return null;
    }
}
