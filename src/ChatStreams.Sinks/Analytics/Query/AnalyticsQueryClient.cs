using System.Net.Http.Json;
using System.Text;

namespace ChatStreams.Sinks.Analytics.Query;

/// <summary>Sends a query to an analytics sink's query endpoint (chatctl, when the sink holds the DuckDB file).</summary>
public sealed class AnalyticsQueryClient(Uri endpoint, TimeSpan timeout) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = endpoint, Timeout = timeout };

    public Uri Endpoint => endpoint;

    /// <summary>True when something answers at the endpoint (a stale URL file of a stopped sink does not).</summary>
    public async Task<bool> IsUpAsync(CancellationToken ct)
    {
        try
        {
            using var response = await _http.GetAsync("query", ct);
            return true; // any HTTP answer (404 for a GET) means the sink is there
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    public async Task<AnalyticsQueryResult> QueryAsync(string sql, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync("query", new StringContent(sql, Encoding.UTF8, "text/plain"), ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new AnalyticsQueryException($"The analytics sink's query endpoint {endpoint} did not answer ({e.Message}); check that " +
                                              "`chatstreams sink analytics` runs, or fix Analytics__QueryUrl.", e);
        }
        using (response)
        {
            AnalyticsQueryWire? answer;
            try { answer = await response.Content.ReadFromJsonAsync<AnalyticsQueryWire>(AnalyticsQueryWire.Json, ct); }
            catch (System.Text.Json.JsonException e)
            {
                throw new AnalyticsQueryException($"{endpoint} is not an analytics query endpoint (HTTP {(int)response.StatusCode}, not its JSON); fix Analytics__QueryUrl.", e);
            }
            if (answer?.Error is { } error) throw new AnalyticsQueryException(error);
            if (!response.IsSuccessStatusCode || answer is null)
                throw new AnalyticsQueryException($"The analytics query endpoint {endpoint} answered HTTP {(int)response.StatusCode}.");
            return answer.ToResult();
        }
    }

    public void Dispose() => _http.Dispose();
}
