using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ChatStreams.TestSupport;

/// <summary>
/// `chatstreams up` as a user runs it, in its own process on free loopback ports and a temp data directory, from the
/// test project's build output (chatstreams.dll and the edge's wwwroot beside the tests). Short presence timings make
/// offline detection take seconds. Started once the gateway reports both edges healthy and a conversation creation was
/// decided end to end; stopped with SIGTERM (then SIGKILL) and its data deleted on dispose.
/// </summary>
public partial class LocalChatSystem : IAsyncDisposable
{
    [GeneratedRegex(@"^ChatStreams is up: (?<gateway>\S+) \(kafka (?<kafka>\S+), registry (?<registry>\S+), status (?<front>\S+)\)$")]
    private static partial Regex UpLine();

    /// <summary>Inactivity gap of sessions: a connection silent this long (its edge died) is gone.</summary>
    public static readonly TimeSpan SessionGap = TimeSpan.FromSeconds(6);

    public static readonly TimeSpan GatewayProbeInterval = TimeSpan.FromMilliseconds(500);

    private readonly string _data;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly List<string> _log = [];
    private Process? _process;

    /// <param name="name">Names the data directory (chatstreams-&lt;name&gt;-&lt;guid&gt; in the temp folder).</param>
    /// <param name="environment">Settings on top of the defaults below (Section__Key = value).</param>
    protected LocalChatSystem(string name, IReadOnlyDictionary<string, string>? environment = null)
    {
        _data = Path.Combine(Path.GetTempPath(), $"chatstreams-{name}-{Guid.NewGuid():N}");
        _environment = environment ?? new Dictionary<string, string>();
    }

    public string GatewayUrl { get; private set; } = "";
    public string StatusUrl { get; private set; } = "";

    /// <summary>The embedded broker's bootstrap servers, as `up` printed them.</summary>
    public string KafkaBootstrap { get; private set; } = "";
    /// <summary>The embedded schema registry `up` runs (Confluent REST API).</summary>
    public string RegistryUrl { get; private set; } = "";

    /// <summary>The data directory `up` runs on (its stores, e.g. analytics.duckdb, are files in it).</summary>
    public string DataDirectory => _data;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public async Task StartAsync()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "chatstreams.dll"), "up", "--data-dir", _data, "--port", "0", "--kafka-port", "0", "--registry-port", "0" })
            info.ArgumentList.Add(a);
        info.Environment["Topologies__SessionInactivityGap"] = "00:00:06";
        info.Environment["Topologies__Presence__OfflineDebounce"] = "00:00:01";
        info.Environment["Edge__HeartbeatInterval"] = "00:00:01";
        info.Environment["Gateway__HealthCheckInterval"] = "00:00:00.500";
        // Tests register many users: keep Argon2id's cost parameters but not OWASP's memory floor.
        info.Environment["Auth__Argon2MemoryKiB"] = "8192";
        foreach (var (key, value) in _environment) info.Environment[key] = value;
        _process = Process.Start(info)!;
        var up = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_log) _log.Add(e.Data);
            if (UpLine().Match(e.Data) is { Success: true } m) up.TrySetResult(m);
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.Add("stderr: " + e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var match = await up.Task.WaitAsync(TimeSpan.FromSeconds(120));
        GatewayUrl = match.Groups["gateway"].Value;
        StatusUrl = match.Groups["front"].Value;
        KafkaBootstrap = match.Groups["kafka"].Value;
        RegistryUrl = match.Groups["registry"].Value;
        await WaitForEdgesAsync(2);
        await WarmUpAsync();
    }

    /// <summary>
    /// The topologies join their consumer groups after `up` prints its line; until the sequencer runs, a REST change
    /// answers 202 (pending). Tests start once a conversation is created end to end.
    /// </summary>
    private async Task WarmUpAsync()
    {
        var first = await RegisterAsync();
        var second = await RegisterAsync();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, GatewayUrl + "/api/conversations")
            {
                Content = JsonContent.Create(new { kind = "direct", members = new[] { second.UserId } }),
            };
            request.Headers.Authorization = new("Bearer", first.Token);
            using var response = await Http.SendAsync(request);
            if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the sequencer never decided a conversation creation ({response.StatusCode}):\n{Log()}");
            await Task.Delay(500);
        }
    }

    private async Task<(string UserId, string Token)> RegisterAsync()
    {
        var username = "warm" + Guid.NewGuid().ToString("N")[..10];
        using var response = await Http.PostAsJsonAsync(GatewayUrl + "/api/auth/register", new { username, password = "correct horse battery" });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("userId").GetString()!, body.GetProperty("token").GetString()!);
    }

    /// <summary>Waits until the gateway sees <paramref name="healthy"/> healthy edges (following their topics, serving).</summary>
    public async Task WaitForEdgesAsync(int healthy)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            try
            {
                var status = await Http.GetFromJsonAsync<JsonElement>(GatewayUrl + "/gateway/status");
                // Probed healthy, not merely not known to be unhealthy yet.
                var probed = status.GetProperty("destinations").EnumerateArray().Count(d => d.GetProperty("active").GetString() == "healthy" && d.GetProperty("available").GetBoolean());
                if (probed >= healthy) return;
            }
            catch (HttpRequestException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the gateway did not report {healthy} healthy edges:\n{Log()}");
            await Task.Delay(200);
        }
    }

    /// <summary>Process id of a supervised component (edge-0, edge-1, gateway, topologies, redis, sink-…).</summary>
    public async Task<int> PidOfAsync(string component)
    {
        var status = await Http.GetFromJsonAsync<JsonElement>(StatusUrl + "/status");
        return status.GetProperty("components").EnumerateArray()
            .Where(c => c.GetProperty("name").GetString() == component)
            .Select(c => c.GetProperty("pid").GetInt32()).Single();
    }

    /// <summary>Sends a signal to a component (9: crash, no close frames or disconnect events; 15: graceful stop). Returns its old pid.</summary>
    public async Task<int> SignalAsync(string component, int signal)
    {
        var pid = await PidOfAsync(component);
        if (Kill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}");
        return pid;
    }

    /// <summary>Waits until the supervisor has restarted the component and every edge serves again.</summary>
    public async Task WaitForRestartAsync(string component, int oldPid)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var status = await Http.GetFromJsonAsync<JsonElement>(StatusUrl + "/status");
            var pid = status.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == component).GetProperty("pid");
            if (pid.ValueKind == JsonValueKind.Number && pid.GetInt32() != oldPid) break;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{component} was not restarted:\n{Log()}");
            await Task.Delay(200);
        }
        if (component.StartsWith("edge-", StringComparison.Ordinal))
        {
            // The new process serving is not enough: the gateway's view of the old one may still be stale.
            var status = await Http.GetFromJsonAsync<JsonElement>(StatusUrl + "/status");
            var url = status.GetProperty("edges")[int.Parse(component["edge-".Length..], System.Globalization.CultureInfo.InvariantCulture)].GetString();
            while (true)
            {
                try
                {
                    using var health = await Http.GetAsync(url + "/healthz");
                    if (health.IsSuccessStatusCode) break;
                }
                catch (HttpRequestException) { }
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"{component} did not become ready:\n{Log()}");
                await Task.Delay(200);
            }
            await Task.Delay(GatewayProbeInterval * 4);
        }
        await WaitForEdgesAsync(2);
    }

    public string Log()
    {
        lock (_log) return string.Join('\n', _log.TakeLast(300));
    }

    /// <summary>Everything `up` and its children printed so far (their logs), for tests that scan the logs.</summary>
    public string FullLog()
    {
        lock (_log) return string.Join('\n', _log);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _ = Kill(_process.Id, 15);
            if (!await Task.Run(() => _process.WaitForExit(30_000))) _process.Kill(entireProcessTree: true);
        }
        _process?.Dispose();
        Http.Dispose();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        GC.SuppressFinalize(this);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
