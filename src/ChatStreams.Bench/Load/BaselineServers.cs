using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using ChatStreams.Contracts.Hosting;

namespace ChatStreams.Bench.Load;

/// <summary>
/// The SignalR baseline's processes: a redis-server (no persistence) on a free loopback port and two instances of
/// `chatstreams-signalr-baseline` using it as backplane and store. Disposing stops them by pid.
/// </summary>
public sealed class BaselineServers : IAsyncDisposable
{
    public const int Instances = 2;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly List<Process> _processes = [];

    public IReadOnlyList<string> Urls { get; private set; } = [];
    public IReadOnlyList<int> ProcessIds => [.. _processes.Select(p => p.Id)];

    /// <summary>The baseline server the bench's build copies into a folder beside itself (its own dependencies: StackExchange.Redis 2.x).</summary>
    public static string ServerBinary => Path.Combine(AppContext.BaseDirectory, "signalr-baseline", "chatstreams-signalr-baseline.dll");

    public static async Task<BaselineServers> StartAsync(TextWriter progress, CancellationToken ct)
    {
        if (!File.Exists(ServerBinary))
            throw new InvalidOperationException($"{ServerBinary} is missing: build src/ChatStreams.Bench, which builds the baseline beside it.");
        var servers = new BaselineServers();
        try
        {
            var redisPort = FreePort.Pick();
            servers.Start("redis-server", ["--port", redisPort.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                "redis-server is not installed (apt-get install redis-server): the SignalR baseline needs it as its backplane");
            await WaitForPortAsync(redisPort, "redis-server", servers, ct);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            var urls = new List<string>();
            for (var i = 0; i < Instances; i++)
            {
                var port = FreePort.Pick();
                var url = $"http://127.0.0.1:{port}";
                servers.Start("dotnet", [ServerBinary, "--urls", url, $"--Baseline:Redis=127.0.0.1:{redisPort}", $"--Baseline:TokenKey={key}"], null);
                urls.Add(url);
            }
            foreach (var url in urls) await WaitForPortAsync(new Uri(url).Port, "the SignalR baseline", servers, ct);
            servers.Urls = urls;
            progress.WriteLine($"SignalR + Redis: redis-server on 127.0.0.1:{redisPort}, baseline instances at {string.Join(", ", urls)}");
            return servers;
        }
        catch
        {
            await servers.DisposeAsync();
            throw;
        }
    }

    private void Start(string program, IEnumerable<string> arguments, string? missing)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        Process process;
        try { process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}"); }
        catch (System.ComponentModel.Win32Exception) when (missing is not null) { throw new InvalidOperationException(missing); }
        // Read to the end so a full pipe never blocks the server; the output only matters when it fails to start.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"  {program}: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
    }

    private static async Task WaitForPortAsync(int port, string what, BaselineServers servers, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (servers._processes.FirstOrDefault(p => p.HasExited) is { } exited)
                throw new InvalidOperationException($"{what} exited with code {exited.ExitCode} while starting");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, ct);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < StartTimeout)
            {
                await Task.Delay(100, ct);
            }
            catch (SocketException)
            {
                throw new TimeoutException($"{what} did not listen on 127.0.0.1:{port} within {StartTimeout.TotalSeconds:0} s");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException) { }
            process.Dispose();
        }
        _processes.Clear();
    }
}
