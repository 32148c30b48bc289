using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ChatStreams.Browser.Tests.Support;

/// <summary>
/// `chatstreams up` as a user runs it, in its own process on free loopback ports — the same approach as the end-to-end
/// tests' ChatSystem (chatstreams.dll from this project's build output, which also holds the edge's wwwroot).
/// </summary>
public sealed partial class ChatSystem : IAsyncDisposable
{
    [GeneratedRegex(@"^ChatStreams is up: (?<gateway>\S+) \(kafka (?<kafka>\S+), registry (?<registry>\S+), status (?<front>\S+)\)$")]
    private static partial Regex UpLine();

    private readonly string _data = Path.Combine(Path.GetTempPath(), "chatstreams-browser-" + Guid.NewGuid().ToString("N"));
    private readonly List<string> _log = [];
    private Process? _process;

    public string GatewayUrl { get; private set; } = "";
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public async Task StartAsync()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "chatstreams.dll"), "up", "--data-dir", _data, "--port", "0", "--kafka-port", "0", "--registry-port", "0" })
            info.ArgumentList.Add(a);
        // Short presence timings: "offline" and "last seen" show within seconds of a page going away.
        info.Environment["Topologies__SessionInactivityGap"] = "00:00:06";
        info.Environment["Topologies__Presence__OfflineDebounce"] = "00:00:01";
        info.Environment["Edge__HeartbeatInterval"] = "00:00:01";
        info.Environment["Gateway__HealthCheckInterval"] = "00:00:00.500";
        // Every test signs users up: keep Argon2id's cost parameters but not OWASP's memory floor.
        info.Environment["Auth__Argon2MemoryKiB"] = "8192";
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
        await WaitForEdgesAsync(2);
        await WarmUpAsync();
    }

    /// <summary>Until the topologies joined their groups a create answers 202; tests start once one is decided end to end.</summary>
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

    private async Task WaitForEdgesAsync(int healthy)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            try
            {
                var status = await Http.GetFromJsonAsync<JsonElement>(GatewayUrl + "/gateway/status");
                var probed = status.GetProperty("destinations").EnumerateArray().Count(d => d.GetProperty("active").GetString() == "healthy" && d.GetProperty("available").GetBoolean());
                if (probed >= healthy) return;
            }
            catch (HttpRequestException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the gateway did not report {healthy} healthy edges:\n{Log()}");
            await Task.Delay(200);
        }
    }

    public string Log()
    {
        lock (_log) return string.Join('\n', _log.TakeLast(200));
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
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
