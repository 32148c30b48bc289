using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ChatStreams.Contracts.Hosting;

namespace ChatStreams.Host.Tests;

/// <summary>
/// A `chatstreams` process with Observability__Port and Observability__LogFormat=json: /healthz, /readyz and /metrics
/// on the operations port, and every log line one JSON object. A history sink on an unreachable broker is enough: it
/// opens its store (then it is ready) and keeps waiting for Kafka.
/// </summary>
public sealed class ProcessObservabilityTests
{
    [Fact]
    public async Task A_sink_serves_health_readiness_and_metrics_and_logs_json()
    {
        var port = FreePort.Pick();
        var data = Path.Combine(Path.GetTempPath(), "chatstreams-ops-" + Guid.NewGuid().ToString("N"));
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "chatstreams.dll"), "sink", "history" }) info.ArgumentList.Add(a);
        info.Environment["Kafka__BootstrapServers"] = "127.0.0.1:1";
        info.Environment["SchemaRegistry__Url"] = "http://127.0.0.1:1";
        info.Environment["History__SqlitePath"] = Path.Combine(data, "history.db");
        info.Environment["Observability__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Observability__Host"] = "127.0.0.1";
        info.Environment["Observability__LogFormat"] = "json";
        using var process = Process.Start(info)!;
        var lines = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var url = $"http://127.0.0.1:{port}";
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                try
                {
                    using var ready = await http.GetAsync(url + "/readyz");
                    if (ready.StatusCode == HttpStatusCode.OK) break;
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                }
                catch (HttpRequestException) { }
                if (DateTime.UtcNow > deadline || process.HasExited) Assert.Fail("never ready:\n" + string.Join('\n', lines));
                await Task.Delay(200);
            }
            Assert.Equal("ok", await http.GetStringAsync(url + "/healthz"));
            var metrics = await http.GetStringAsync(url + "/metrics");
            Assert.Contains("# TYPE ", metrics);

            // Logs: the sink says it consumes as its group, as a JSON object with the structured fields.
            deadline = DateTime.UtcNow.AddSeconds(30);
            JsonElement consuming = default;
            while (!lines.Any(l => l.StartsWith('{') && (consuming = JsonDocument.Parse(l).RootElement).GetProperty("Message").GetString()!.Contains("consuming", StringComparison.Ordinal)))
            {
                if (DateTime.UtcNow > deadline) Assert.Fail("no JSON log line of the sink starting:\n" + string.Join('\n', lines));
                await Task.Delay(200);
            }
            Assert.Equal("Information", consuming.GetProperty("LogLevel").GetString());
            Assert.Equal("ChatStreams.Sinks.History", consuming.GetProperty("Category").GetString());
            Assert.Equal("chatstreams-sink-history", consuming.GetProperty("State").GetProperty("Group").GetString());
            Assert.All(lines.Where(l => l.StartsWith('{')), l => JsonDocument.Parse(l));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }
}
