using System.Diagnostics;
using ChatStreams.Contracts.Hosting;

namespace ChatStreams.Sinks.Analytics.ClickHouse;

/// <summary>
/// A private clickhouse-server (Debian's 18.16) for tests and benchmarks: a folder of its own with a minimal
/// config.xml and users.xml, HTTP and native ports picked free on 127.0.0.1 at run time, started as a child process,
/// awaited with GET /ping and killed by its PID on dispose. It listens on loopback only.
/// </summary>
public sealed class LocalClickHouseServer : IAsyncDisposable
{
    public const string Package = "clickhouse-server";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly string _folder;
    private readonly Process _process;

    private LocalClickHouseServer(string folder, Process process, string url, TimeSpan startedIn)
    {
        _folder = folder;
        _process = process;
        Url = url;
        StartedIn = startedIn;
    }

    /// <summary>The HTTP interface, e.g. http://127.0.0.1:41234/.</summary>
    public string Url { get; }

    public TimeSpan StartedIn { get; }

    /// <summary>The server binary, or null when the package is not installed.</summary>
    public static string? Locate()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        // Debian puts the server in /usr/sbin, which a non-root PATH often lacks.
        return path.Concat(["/usr/sbin", "/usr/bin", "/usr/local/bin"]).Select(d => Path.Combine(d, "clickhouse-server")).FirstOrDefault(File.Exists);
    }

    /// <param name="folder">An empty folder the server keeps everything in (the caller deletes it after disposing).</param>
    /// <param name="extraUsers">More &lt;users&gt; entries (XML) beside the password-less "default" user.</param>
    public static async Task<LocalClickHouseServer> StartAsync(string folder, string extraUsers = "")
    {
        var binary = Locate() ?? throw new InvalidOperationException(
            $"clickhouse-server is not installed. Install the Debian package '{Package}' (sudo apt-get install -y {Package} clickhouse-client, " +
            "or scripts/install-test-deps.sh as root).");
        var started = Stopwatch.StartNew();
        var (http, tcp) = (FreePort.Pick(), FreePort.Pick());
        foreach (var dir in new[] { "data", "tmp", "user_files", "format_schemas", "log" }) Directory.CreateDirectory(Path.Combine(folder, dir));
        await File.WriteAllTextAsync(Path.Combine(folder, "config.xml"), Config(folder, http, tcp));
        await File.WriteAllTextAsync(Path.Combine(folder, "users.xml"), Users(extraUsers));
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder };
        info.ArgumentList.Add("--config-file=" + Path.Combine(folder, "config.xml"));
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{binary} did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new LocalClickHouseServer(folder, process, $"http://127.0.0.1:{http}/", TimeSpan.Zero);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            try
            {
                if ((await client.GetStringAsync(server.Url + "ping")).StartsWith("Ok", StringComparison.Ordinal)) break;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            if (process.HasExited || started.Elapsed > StartTimeout)
            {
                var log = server.ErrorLog();
                await server.DisposeAsync();
                throw new InvalidOperationException($"clickhouse-server did not answer /ping on {server.Url} within {StartTimeout.TotalSeconds:0} s; its log:\n{log}");
            }
            await Task.Delay(100);
        }
        return new LocalClickHouseServer(folder, process, server.Url, started.Elapsed);
    }

    private static string Config(string folder, int http, int tcp) => $"""
        <?xml version="1.0"?>
        <yandex>
          <logger><level>warning</level><log>{Path.Combine(folder, "log/server.log")}</log><errorlog>{Path.Combine(folder, "log/error.log")}</errorlog><console>0</console></logger>
          <http_port>{http}</http_port>
          <tcp_port>{tcp}</tcp_port>
          <listen_host>127.0.0.1</listen_host>
          <path>{Path.Combine(folder, "data")}/</path>
          <tmp_path>{Path.Combine(folder, "tmp")}/</tmp_path>
          <user_files_path>{Path.Combine(folder, "user_files")}/</user_files_path>
          <format_schema_path>{Path.Combine(folder, "format_schemas")}/</format_schema_path>
          <users_config>users.xml</users_config>
          <default_profile>default</default_profile>
          <default_database>default</default_database>
          <timezone>UTC</timezone>
          <mark_cache_size>268435456</mark_cache_size>
          <uncompressed_cache_size>268435456</uncompressed_cache_size>
          <mlock_executable>false</mlock_executable>
        </yandex>
        """;

    private static string Users(string extraUsers) => $"""
        <?xml version="1.0"?>
        <yandex>
          <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
          <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
            {extraUsers}</users>
          <quotas><default></default></quotas>
        </yandex>
        """;

    /// <summary>The last lines of the server's error log, for failure messages.</summary>
    public string ErrorLog()
    {
        var log = Path.Combine(_folder, "log/error.log");
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "(no error log)";
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
