using System.Diagnostics;
using System.Net;

using ChatStreams.Contracts.Hosting;
using Xunit;

namespace ChatStreams.TestSupport;

/// <summary>
/// A real S3 API for the tests: moto_server (preinstalled Python) on a free 127.0.0.1 port, started once per test
/// class and stopped by its process id. Fails the tests with the reason when moto_server is missing or does not start.
/// </summary>
public sealed class MotoServer : IAsyncLifetime
{
    private static readonly string[] Candidates = ["/root/.pyenv/shims/moto_server", "/usr/local/bin/moto_server", "/usr/bin/moto_server"];
    private Process? _process;
    private readonly List<string> _output = [];

    public string Url { get; private set; } = "";
    public const string AccessKey = "chatstreams-test";
    public const string SecretKey = "chatstreams-test-secret";

    public async Task InitializeAsync()
    {
        var executable = Candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"moto_server is not installed (looked at {string.Join(", ", Candidates)}): pip install 'moto[server]'");
        var port = FreePort.Pick();
        var start = new ProcessStartInfo(executable, ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("moto_server did not start");
        _process.OutputDataReceived += (_, e) => { lock (_output) if (e.Data is not null) _output.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) if (e.Data is not null) _output.Add(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Url = $"http://127.0.0.1:{port}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"moto_server exited with {_process.ExitCode}: {Log()}");
            try
            {
                using var response = await http.GetAsync(Url + "/moto-api/");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"moto_server did not answer at {Url} within 60 s: {Log()}");
            await Task.Delay(200);
        }
    }

    public string Log()
    {
        lock (_output) return string.Join('\n', _output.TakeLast(40));
    }

    public async Task DisposeAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        _process.Dispose();
    }
}
