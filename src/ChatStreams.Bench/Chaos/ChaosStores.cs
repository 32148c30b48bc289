using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using ChatStreams.Host;
using ChatStreams.Sinks.Analytics;
using ChatStreams.Sinks.Analytics.Query;

namespace ChatStreams.Bench.Chaos;

/// <summary>
/// What the sinks' stores hold, read the way users read them: history pages and search through the gateway with a
/// member's token, analytics through the analytics sink's query endpoint (the URL it leaves beside its DuckDB file).
/// </summary>
public sealed class ChaosStores(string gatewayUrl, string dataDirectory) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(gatewayUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(20) };

    /// <summary>Every message item of a conversation's history, in seq order: (seq, client id). Null when the edge did not answer 200.</summary>
    public async Task<IReadOnlyList<(long Seq, string? Id)>?> HistoryAsync(ChaosConversation conversation, CancellationToken ct)
    {
        var messages = new List<(long, string?)>();
        long after = 0;
        while (true)
        {
            using var page = await SendAsync(conversation, $"api/conversations/{Uri.EscapeDataString(conversation.ConversationId)}/messages?after={after}&limit=200", ct);
            if (page is null) return null;
            var items = page.RootElement.GetProperty("items");
            foreach (var item in items.EnumerateArray())
            {
                var seq = item.GetProperty("seq").GetInt64();
                after = Math.Max(after, seq);
                if (item.GetProperty("type").GetString() == "message")
                    messages.Add((seq, item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null));
            }
            if (!page.RootElement.TryGetProperty("hasMore", out var more) || more.ValueKind != JsonValueKind.True || items.GetArrayLength() == 0) return messages;
        }
    }

    /// <summary>Whether the history holds the event <paramref name="seq"/> yet.</summary>
    public async Task<bool> HistoryHasAsync(ChaosConversation conversation, long seq, CancellationToken ct)
    {
        using var response = await SendAsync(conversation, $"api/conversations/{Uri.EscapeDataString(conversation.ConversationId)}/messages?after={seq - 1}&limit=1", ct);
        if (response is null) return false;
        var items = response.RootElement.GetProperty("items");
        return items.GetArrayLength() == 1 && items[0].GetProperty("seq").GetInt64() == seq;
    }

    /// <summary>Hits for <paramref name="words"/> in one conversation (totalHits); null when search did not answer 200.</summary>
    public async Task<int?> SearchCountAsync(ChaosConversation conversation, string words, CancellationToken ct)
    {
        using var response = await SendAsync(conversation, $"api/search?q={Uri.EscapeDataString(words)}&conversationId={Uri.EscapeDataString(conversation.ConversationId)}&limit=1", ct);
        return response?.RootElement.GetProperty("totalHits").GetInt32();
    }

    /// <summary>Rows of the analytics messages table per conversation id; null while the sink's endpoint does not answer.</summary>
    public async Task<IReadOnlyDictionary<string, long>?> AnalyticsMessageCountsAsync(string? where, CancellationToken ct)
    {
        var urlFile = AnalyticsQueryEndpoint.UrlFile(LocalSystem.AnalyticsDatabase(dataDirectory));
        if (!File.Exists(urlFile) || !Uri.TryCreate((await File.ReadAllTextAsync(urlFile, ct)).Trim(), UriKind.Absolute, out var url)) return null;
        using var client = new AnalyticsQueryClient(url, TimeSpan.FromSeconds(20));
        try
        {
            var result = await client.QueryAsync($"SELECT conversation_id, count(*) AS n FROM messages {where} GROUP BY conversation_id", ct);
            return result.Rows.ToDictionary(r => (string)r[0]!, r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is AnalyticsQueryException or HttpRequestException or TaskCanceledException) { return null; }
    }

    private async Task<JsonDocument?> SendAsync(ChaosConversation conversation, string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", conversation.Members[0].Account.Token);
        try
        {
            using var response = await _http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode) return null;
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested) { return null; }
    }

    public void Dispose() => _http.Dispose();
}
