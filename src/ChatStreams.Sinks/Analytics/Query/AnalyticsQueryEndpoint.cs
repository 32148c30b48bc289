using System.Net;
using System.Text;
using System.Text.Json;
using ChatStreams.Contracts.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Sinks.Analytics.Query;

/// <summary>
/// The analytics sink's read-only query endpoint on 127.0.0.1, for a DuckDB store: DuckDB lets no other process open
/// the file while the sink holds it, so chatctl sends its SQL here. POST /query with the SQL as the body answers
/// <see cref="AnalyticsQueryWire"/> JSON (200), or {"error": "..."} with 400 for a refused or failing query.
/// The URL is written to <c>&lt;file&gt;.query-url</c> so chatctl finds it without configuration; it is removed on stop.
/// </summary>
public sealed class AnalyticsQueryEndpoint : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly IAnalyticsStore _store;
    private readonly ILogger _logger;
    private readonly string? _urlFile;
    private readonly CancellationTokenSource _stop = new();
    private Task _serving = Task.CompletedTask;

    private AnalyticsQueryEndpoint(IAnalyticsStore store, int port, string? urlFile, ILogger logger)
    {
        _store = store;
        _logger = logger;
        _urlFile = urlFile;
        Url = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(Url);
    }

    public string Url { get; }

    /// <summary>The file beside a DuckDB database where its sink writes the endpoint's URL.</summary>
    public static string UrlFile(string databasePath) => Path.GetFullPath(databasePath) + ".query-url";

    /// <summary>Listens on 127.0.0.1:<paramref name="port"/> (0: a free port) and writes the URL file when given.</summary>
    public static AnalyticsQueryEndpoint Start(IAnalyticsStore store, int port, string? urlFile, ILogger logger)
    {
        var endpoint = new AnalyticsQueryEndpoint(store, port == 0 ? FreePort.Pick() : port, urlFile, logger);
        try
        {
            endpoint._listener.Start();
        }
        catch (HttpListenerException e)
        {
            throw new InvalidOperationException($"The analytics query endpoint could not listen on {endpoint.Url} ({e.Message}); " +
                                                "choose another Analytics__QueryPort (0 picks a free one).", e);
        }
        endpoint._serving = Task.Run(endpoint.ServeAsync);
        if (urlFile is not null) File.WriteAllText(urlFile, endpoint.Url + "\n");
        logger.LogInformation("Analytics query endpoint at {Url} (read-only SQL).", endpoint.Url);
        return endpoint;
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            if (context.Request.Url?.AbsolutePath != "/query" || context.Request.HttpMethod != "POST")
            {
                await WriteAsync(response, HttpStatusCode.NotFound, new AnalyticsQueryWire { Error = "POST the SQL to /query." });
                return;
            }
            using var body = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var sql = await body.ReadToEndAsync(_stop.Token);
            var result = await _store.QueryAsync(sql, _stop.Token);
            await WriteAsync(response, HttpStatusCode.OK, AnalyticsQueryWire.From(result));
        }
        catch (AnalyticsQueryException e)
        {
            await WriteAsync(response, HttpStatusCode.BadRequest, new AnalyticsQueryWire { Error = e.Message });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Analytics query endpoint failed a request.");
            await WriteAsync(response, HttpStatusCode.InternalServerError, new AnalyticsQueryWire { Error = $"The analytics sink could not run the query: {e.Message}" });
        }
        catch (OperationCanceledException)
        {
            response.Abort();
        }
    }

    private static async Task WriteAsync(HttpListenerResponse response, HttpStatusCode status, AnalyticsQueryWire answer)
    {
        try
        {
            response.StatusCode = (int)status;
            response.ContentType = "application/json; charset=utf-8";
            var bytes = JsonSerializer.SerializeToUtf8Bytes(answer, AnalyticsQueryWire.Json);
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes);
            response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
        {
            // the client went away
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_urlFile is not null)
        {
            try
            {
                // Only our own URL: a second sink that took the file over has written its own.
                if (File.Exists(_urlFile) && File.ReadAllText(_urlFile).Trim() == Url.Trim()) File.Delete(_urlFile);
            }
            catch (IOException) { }
        }
        _stop.Cancel();
        _listener.Close();
        await _serving;
        _stop.Dispose();
    }
}
