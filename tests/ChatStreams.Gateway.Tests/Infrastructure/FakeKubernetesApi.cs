using System.Threading.Channels;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ChatStreams.Gateway.Tests.Infrastructure;

/// <summary>
/// Just enough of the Kubernetes API server for edge discovery: lists EndpointSlices of a namespace filtered by an
/// equality label selector, and watches them (replaying changes after the requested resourceVersion, then streaming
/// new ones until timeoutSeconds). Watches can be switched off to make them fail like a server that forbids them.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Namespace, string Name), V1EndpointSlice> _slices = new();
    private readonly List<(long Version, string Namespace, string Type, V1EndpointSlice Slice)> _history = new();
    private readonly List<(string Namespace, Channel<(V1EndpointSlice Slice, string Line)> Events)> _watchers = new();
    private readonly List<string> _requests = new();
    private long _version = 1;

    private FakeKubernetesApi(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    /// <summary>False answers watch requests with 500, as a server that breaks watches would.</summary>
    public volatile bool WatchesWork = true;

    /// <summary>Path and query of every request served, in order.</summary>
    public IReadOnlyList<string> Requests
    {
        get { lock (_gate) return _requests.ToList(); }
    }

    public static async Task<FakeKubernetesApi> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddRouting();
        var app = builder.Build();
        var api = new FakeKubernetesApi(app);
        app.MapGet("/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices", (HttpContext context, string ns) => api.ServeAsync(context, ns));
        await app.StartAsync();
        api.Url = app.Urls.Single();
        return api;
    }

    public KubernetesClientConfiguration ClientConfiguration => new() { Host = Url };

    /// <summary>Creates or replaces a slice (ADDED / MODIFIED to watchers).</summary>
    public void Apply(string ns, V1EndpointSlice slice)
    {
        lock (_gate)
        {
            var key = (ns, slice.Metadata.Name);
            var type = _slices.ContainsKey(key) ? "MODIFIED" : "ADDED";
            Record(ns, type, slice);
            _slices[key] = slice;
        }
    }

    /// <summary>Deletes a slice (DELETED to watchers).</summary>
    public void Delete(string ns, string name)
    {
        lock (_gate)
        {
            if (_slices.Remove((ns, name), out var slice)) Record(ns, "DELETED", slice);
        }
    }

    private void Record(string ns, string type, V1EndpointSlice slice)
    {
        _version++;
        slice.Metadata.ResourceVersion = _version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _history.Add((_version, ns, type, slice));
        var line = EventLine(type, slice);
        foreach (var (watchedNamespace, events) in _watchers)
            if (watchedNamespace == ns) events.Writer.TryWrite((slice, line));
    }

    private async Task ServeAsync(HttpContext context, string ns)
    {
        var query = context.Request.Query;
        var selector = query["labelSelector"].ToString();
        lock (_gate) _requests.Add(context.Request.Path + context.Request.QueryString);

        if (query["watch"] is var watch && (watch == "true" || watch == "1"))
        {
            await WatchAsync(context, ns, selector, query["resourceVersion"].ToString(), query["timeoutSeconds"].ToString());
            return;
        }

        V1EndpointSliceList list;
        lock (_gate)
        {
            list = new V1EndpointSliceList
            {
                ApiVersion = "discovery.k8s.io/v1",
                Kind = "EndpointSliceList",
                Metadata = new V1ListMeta { ResourceVersion = _version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                Items = _slices.Where(s => s.Key.Namespace == ns && Matches(s.Value, selector)).Select(s => s.Value).ToList(),
            };
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(KubernetesJson.Serialize(list));
    }

    private async Task WatchAsync(HttpContext context, string ns, string selector, string resourceVersion, string timeoutSeconds)
    {
        if (!WatchesWork)
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"kind":"Status","apiVersion":"v1","status":"Failure","message":"watch is broken in this test","code":500}""");
            return;
        }

        var events = Channel.CreateUnbounded<(V1EndpointSlice Slice, string Line)>();
        lock (_gate)
        {
            var since = long.TryParse(resourceVersion, out var version) ? version : 0;
            foreach (var change in _history.Where(h => h.Version > since && h.Namespace == ns))
                events.Writer.TryWrite((change.Slice, EventLine(change.Type, change.Slice)));
            _watchers.Add((ns, events));
        }

        var timeout = int.TryParse(timeoutSeconds, out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromMinutes(5);
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        ends.CancelAfter(timeout);
        try
        {
            context.Response.ContentType = "application/json";
            await context.Response.StartAsync(ends.Token);
            await foreach (var (slice, line) in events.Reader.ReadAllAsync(ends.Token))
            {
                if (!Matches(slice, selector)) continue;
                await context.Response.WriteAsync(line + "\n", ends.Token);
                await context.Response.Body.FlushAsync(ends.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Watch timed out, client went away, or the fake is stopping: end the stream like the API server does.
        }
        finally
        {
            lock (_gate) _watchers.RemoveAll(w => w.Events == events);
        }
    }

    private static string EventLine(string type, V1EndpointSlice slice) =>
        $$"""{"type":"{{type}}","object":{{KubernetesJson.Serialize(slice)}}}""";

    /// <summary>Equality-based selectors only ("a=b,c=d"), which is all discovery uses.</summary>
    private static bool Matches(V1EndpointSlice slice, string selector)
    {
        if (string.IsNullOrEmpty(selector)) return true;
        var labels = slice.Metadata.Labels ?? new Dictionary<string, string>();
        return selector.Split(',').All(term =>
        {
            var parts = term.Split('=', 2);
            return parts.Length == 2 && labels.TryGetValue(parts[0], out var value) && value == parts[1];
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
