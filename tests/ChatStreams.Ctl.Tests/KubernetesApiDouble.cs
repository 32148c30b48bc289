using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatStreams.Contracts.Hosting;

namespace ChatStreams.Ctl.Tests;

/// <summary>
/// A test double of the Kubernetes API server for one StatefulSet (no cluster exists where the tests run): the paths
/// and JSON `kubectl scale` and KubernetesClient use (GET the StatefulSet, PATCH its scale subresource with a merge
/// patch, GET pods by name). Acting as the controller, it removes pods above the new replica count after
/// <see cref="TerminationDelay"/> (the time a draining edge takes) and reports new pods ready at once.
/// </summary>
public sealed class KubernetesApiDouble : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _namespace;
    private readonly string _name;
    private readonly object _gate = new();
    private readonly HashSet<int> _pods = [];
    private int _replicas;

    public KubernetesApiDouble(string @namespace, string name, int replicas)
    {
        _namespace = @namespace;
        _name = name;
        _replicas = replicas;
        for (var i = 0; i < replicas; i++) _pods.Add(i);
        var port = FreePort.Pick();
        Url = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string Url { get; }
    public TimeSpan TerminationDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Every request as "METHOD path", and the body of each PATCH.</summary>
    public List<string> Requests { get; } = [];
    public List<string> Patches { get; } = [];

    /// <summary>Runs when a PATCH arrives, before it is applied (the test checks what already exists at that moment).</summary>
    public Action? OnPatch { get; init; }

    public int Replicas { get { lock (_gate) return _replicas; } }

    /// <summary>A kubeconfig file that points at this server.</summary>
    public string WriteKubeConfig(string path)
    {
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: double
              cluster:
                server: {Url}
            users:
            - name: sre
              user:
                token: test-token
            contexts:
            - name: double
              context:
                cluster: double
                user: sre
                namespace: {_namespace}
            current-context: double
            """);
        return path;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            try { await HandleAsync(context); }
            catch (Exception e) { await WriteAsync(context.Response, 500, Status(500, e.Message)); }
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        var method = context.Request.HttpMethod;
        lock (_gate) Requests.Add($"{method} {path}");
        var set = $"/apis/apps/v1/namespaces/{_namespace}/statefulsets/{_name}";
        if (method == "GET" && path == set) { await WriteAsync(context.Response, 200, StatefulSet()); return; }
        if (method == "PATCH" && path == set + "/scale")
        {
            if (context.Request.ContentType?.StartsWith("application/merge-patch+json", StringComparison.Ordinal) != true)
            {
                await WriteAsync(context.Response, 415, Status(415, $"unsupported patch type {context.Request.ContentType}"));
                return;
            }
            var body = await new StreamReader(context.Request.InputStream).ReadToEndAsync();
            OnPatch?.Invoke();
            var replicas = JsonNode.Parse(body)!["spec"]!["replicas"]!.GetValue<int>();
            lock (_gate)
            {
                Patches.Add(body);
                for (var i = _replicas; i < replicas; i++) _pods.Add(i);
                _replicas = replicas;
            }
            foreach (var gone in Enumerable.Range(replicas, 100))
                _ = Task.Delay(TerminationDelay).ContinueWith(_ => { lock (_gate) if (gone >= _replicas) _pods.Remove(gone); }, TaskScheduler.Default);
            await WriteAsync(context.Response, 200, Scale());
            return;
        }
        var pods = $"/api/v1/namespaces/{_namespace}/pods/{_name}-";
        if (method == "GET" && path.StartsWith(pods, StringComparison.Ordinal) && int.TryParse(path[pods.Length..], out var ordinal))
        {
            bool exists;
            lock (_gate) exists = _pods.Contains(ordinal);
            await WriteAsync(context.Response, exists ? 200 : 404, exists ? Pod(ordinal) : Status(404, $"pods \"{_name}-{ordinal}\" not found"));
            return;
        }
        await WriteAsync(context.Response, 404, Status(404, $"the double does not serve {method} {path}"));
    }

    private string StatefulSet()
    {
        lock (_gate)
            return JsonSerializer.Serialize(new
            {
                apiVersion = "apps/v1", kind = "StatefulSet",
                metadata = new { name = _name, @namespace = _namespace },
                spec = new { replicas = _replicas, serviceName = _name, selector = new { matchLabels = new Dictionary<string, string> { ["app.kubernetes.io/component"] = "edge" } } },
                status = new { replicas = _pods.Count, readyReplicas = _pods.Count(p => p < _replicas) },
            });
    }

    private string Scale()
    {
        lock (_gate)
            return JsonSerializer.Serialize(new { apiVersion = "autoscaling/v1", kind = "Scale", metadata = new { name = _name, @namespace = _namespace }, spec = new { replicas = _replicas } });
    }

    private string Pod(int ordinal) => JsonSerializer.Serialize(new { apiVersion = "v1", kind = "Pod", metadata = new { name = $"{_name}-{ordinal}", @namespace = _namespace } });

    private static string Status(int code, string message) => JsonSerializer.Serialize(new { apiVersion = "v1", kind = "Status", status = "Failure", message, code });

    private static async Task WriteAsync(HttpListenerResponse response, int status, string json)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(json);
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    public void Dispose() => _listener.Close();
}
