using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace ChatStreams.Sinks.Analytics.ClickHouse;

/// <summary>
/// ClickHouse's HTTP interface: the statement in the query string (or the body for big selects), data in the body,
/// credentials in X-ClickHouse-User/Key headers (never in URLs that get logged). A non-200 answer becomes a
/// <see cref="ClickHouseException"/> carrying ClickHouse's own message; a refused connection says where it tried.
/// </summary>
public sealed class ClickHouseHttp : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _baseUri;
    private readonly string _database;

    public ClickHouseHttp(AnalyticsStoreOptions options)
    {
        _baseUri = new Uri(options.ClickHouseUrl!.TrimEnd('/') + "/");
        _database = options.ClickHouseDatabase;
        _http = new HttpClient { Timeout = options.ClickHouseTimeout };
        _http.DefaultRequestHeaders.Add("X-ClickHouse-User", options.ClickHouseUser);
        if (!string.IsNullOrEmpty(options.ClickHousePassword)) _http.DefaultRequestHeaders.Add("X-ClickHouse-Key", options.ClickHousePassword);
    }

    public string Location => $"{Server} database {_database}";

    /// <summary>scheme://host:port, never user info.</summary>
    private string Server => $"{_baseUri.Scheme}://{_baseUri.Host}:{_baseUri.Port}";

    /// <summary>A statement without data (DDL, a lookup); <paramref name="inDatabase"/> false for CREATE DATABASE before it exists.</summary>
    public Task<string> ExecuteAsync(string sql, CancellationToken ct, bool inDatabase = true, IReadOnlyDictionary<string, string>? settings = null) =>
        SendAsync(Url(inDatabase, settings, null), new StringContent(sql, Encoding.UTF8), sql, ct);

    /// <summary>INSERT INTO ... FORMAT TabSeparated with the rows as the body: one request per table per batch.</summary>
    public Task InsertAsync(string insert, string tabSeparatedRows, CancellationToken ct) =>
        SendAsync(Url(true, null, insert), new StringContent(tabSeparatedRows, Encoding.UTF8), insert, ct);

    private Uri Url(bool inDatabase, IReadOnlyDictionary<string, string>? settings, string? query)
    {
        var parameters = new List<string>();
        if (inDatabase) parameters.Add("database=" + Uri.EscapeDataString(_database));
        if (query is not null) parameters.Add("query=" + Uri.EscapeDataString(query));
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) parameters.Add($"{key}={Uri.EscapeDataString(value)}");
        return new Uri(_baseUri, "?" + string.Join("&", parameters));
    }

    private async Task<string> SendAsync(Uri url, HttpContent body, string statement, CancellationToken ct)
    {
        body.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync(url, body, ct);
        }
        catch (HttpRequestException e)
        {
            throw new ClickHouseException($"ClickHouse at {Server} did not answer ({e.Message}); check Analytics__ClickHouseUrl " +
                                          "and that the server runs.", null, e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new ClickHouseException($"ClickHouse at {Server} did not answer within {_http.Timeout.TotalSeconds:0} s " +
                                          "(Analytics__ClickHouseTimeout).", null, e);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode) return text;
            var what = Shorten(statement);
            var hint = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || text.Contains("Code: 516") || text.Contains("Code: 192") || text.Contains("Code: 193")
                ? " Check Analytics__ClickHouseUser and Analytics__ClickHousePassword."
                : "";
            throw new ClickHouseException($"ClickHouse refused '{what}' (HTTP {(int)response.StatusCode}): {Message(text)}{hint}", Code(text));
        }
    }

    /// <summary>ClickHouse's "Code: 62, e.displayText() = DB::Exception: Syntax error ..., e.what() = DB::Exception" as its useful part.</summary>
    private static string Message(string body)
    {
        var text = body.Trim();
        var start = text.IndexOf("DB::Exception:", StringComparison.Ordinal);
        if (start >= 0) text = text[(start + "DB::Exception:".Length)..].Trim();
        var tail = text.LastIndexOf(", e.what() = ", StringComparison.Ordinal);
        if (tail >= 0) text = text[..tail];
        return text.Length > 1000 ? text[..1000] + " ..." : text;
    }

    private static int? Code(string body)
    {
        if (!body.StartsWith("Code: ", StringComparison.Ordinal)) return null;
        var end = body.IndexOf(',', 6);
        return end > 6 && int.TryParse(body.AsSpan(6, end - 6), out var code) ? code : null;
    }

    private static string Shorten(string statement)
    {
        var oneLine = string.Join(' ', statement.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return oneLine.Length > 120 ? oneLine[..120] + " ..." : oneLine;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>ClickHouse answered with an error (its message and code), or did not answer.</summary>
public sealed class ClickHouseException(string message, int? code, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>ClickHouse's error code (62 syntax error, 60 unknown table, 164 readonly, ...); null when it did not answer.</summary>
    public int? Code { get; } = code;
}
