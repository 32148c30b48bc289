using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ChatStreams.TestSupport;

namespace ChatStreams.Sinks.Tests.Support;

/// <summary>
/// A real clickhouse-server (Debian's 18.16) for the tests of a class: its own temp folder with a minimal config.xml
/// and users.xml, HTTP and native ports picked free on 127.0.0.1 at run time, started as a child process, awaited
/// with GET /ping and killed by its PID on dispose. A missing server fails the tests naming the package: CI installs
/// it (scripts/install-test-deps.sh), so a silent skip would hide that the ClickHouse store went untested.
/// </summary>
public sealed class ClickHouseServer : IAsyncLifetime
{
    public const string Package = "clickhouse-server";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _folder = new("clickhouse");
    private Process? _process;

    /// <summary>A second user with a password, for the credential tests.</summary>
    public const string AnalystUser = "analyst";
    public const string AnalystPassword = "s3cret pass";

    public string Url { get; private set; } = "";

    public TimeSpan StartedIn { get; private set; }

    public async Task InitializeAsync()
    {
        var binary = Locate() ?? throw new InvalidOperationException(
            $"clickhouse-server is not installed: the ClickHouse analytics tests need it. Install the Debian package " +
            $"'{Package}' (sudo apt-get install -y {Package} clickhouse-client, or scripts/install-test-deps.sh as root).");
        var started = Stopwatch.StartNew();
        var (http, tcp) = (FreePort(), FreePort());
        foreach (var dir in new[] { "data", "tmp", "user_files", "format_schemas", "log" }) Directory.CreateDirectory(_folder.Sub(dir));
        await File.WriteAllTextAsync(_folder.Sub("config.xml"), Config(http, tcp));
        await File.WriteAllTextAsync(_folder.Sub("users.xml"), Users);
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _folder.Path,
        };
        info.ArgumentList.Add("--config-file=" + _folder.Sub("config.xml"));
        _process = Process.Start(info) ?? throw new InvalidOperationException($"{binary} did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Url = $"http://127.0.0.1:{http}/";
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            try
            {
                if ((await client.GetStringAsync(Url + "ping")).StartsWith("Ok", StringComparison.Ordinal)) break;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            if (_process.HasExited || started.Elapsed > StartTimeout)
                throw new InvalidOperationException($"clickhouse-server did not answer /ping on {Url} within {StartTimeout.TotalSeconds:0} s " +
                                                    $"(exited: {_process.HasExited}); its log:\n{ErrorLog()}");
            await Task.Delay(100);
        }
        StartedIn = started.Elapsed;
    }

    private static string? Locate()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        // Debian puts the server in /usr/sbin, which a non-root PATH often lacks.
        return path.Concat(["/usr/sbin", "/usr/bin", "/usr/local/bin"]).Select(d => Path.Combine(d, "clickhouse-server")).FirstOrDefault(File.Exists);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private string Config(int http, int tcp) => $"""
        <?xml version="1.0"?>
        <yandex>
          <logger><level>warning</level><log>{_folder.Sub("log/server.log")}</log><errorlog>{_folder.Sub("log/error.log")}</errorlog><console>0</console></logger>
          <http_port>{http}</http_port>
          <tcp_port>{tcp}</tcp_port>
          <listen_host>127.0.0.1</listen_host>
          <path>{_folder.Sub("data")}/</path>
          <tmp_path>{_folder.Sub("tmp")}/</tmp_path>
          <user_files_path>{_folder.Sub("user_files")}/</user_files_path>
          <format_schema_path>{_folder.Sub("format_schemas")}/</format_schema_path>
          <users_config>users.xml</users_config>
          <default_profile>default</default_profile>
          <default_database>default</default_database>
          <timezone>UTC</timezone>
          <mark_cache_size>268435456</mark_cache_size>
          <uncompressed_cache_size>268435456</uncompressed_cache_size>
          <mlock_executable>false</mlock_executable>
        </yandex>
        """;

    private const string Users = """
        <?xml version="1.0"?>
        <yandex>
          <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
          <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
            <analyst><password>s3cret pass</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></analyst></users>
          <quotas><default></default></quotas>
        </yandex>
        """;

    private string ErrorLog()
    {
        var log = _folder.Sub("log/error.log");
        return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "(no error log)";
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process?.Dispose();
        _folder.Dispose();
        return Task.CompletedTask;
    }
}
