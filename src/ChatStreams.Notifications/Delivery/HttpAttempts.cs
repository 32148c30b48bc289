namespace ChatStreams.Notifications.Delivery;

/// <summary>Sends one request with the per-attempt timeout; network failures and timeouts become a retryable result.</summary>
internal static class HttpAttempts
{
    public static async Task<AttemptResult> SendAsync(HttpClient http, Func<HttpRequestMessage> request, bool goneMeansGone, TimeSpan timeout,
        TimeProvider time, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            using var message = request();
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            return AttemptResult.FromResponse(response, goneMeansGone, time.GetUtcNow());
        }
        catch (HttpRequestException e)
        {
            return new AttemptResult(AttemptOutcome.Retry, $"network error: {e.Message}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new AttemptResult(AttemptOutcome.Retry, $"no answer within {timeout.TotalSeconds} s");
        }
    }
}
