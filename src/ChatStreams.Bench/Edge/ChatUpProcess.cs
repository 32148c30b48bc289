using System.Diagnostics;

namespace ChatStreams.Bench.Edge;

/// <summary>
/// `chatstreams up` as a user runs it — embedded broker and registry, topologies, two edges, gateway — in a child
/// process on free loopback ports with a throw-away data directory. Disposing stops it with SIGTERM (a graceful
/// shutdown, as Ctrl+C) and deletes the directory.
/// </summary>
public sealed class ChatUpProcess : IAsyncDisposable
{
    private const int KeptLogLines = 200;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly Queue<string> _log = new();
    private readonly bool _ownsDirectory;
    private StreamWriter? _logFile;

    public string DataDirectory { get; }

    /// <summary>The `chatstreams up` process; the system's components are its children.</summary>
    public int ProcessId => _process.Id;
    public UpAnnouncement Endpoints { get; private set; } = null!;

    private ChatUpProcess(Process process, string dataDirectory, bool ownsDirectory, string? logPath)
    {
        _process = process;
        DataDirectory = dataDirectory;
        _ownsDirectory = ownsDirectory;
        if (logPath is not null) _logFile = new StreamWriter(logPath, append: true) { AutoFlush = true };
    }

    /// <summary>The host binary the bench's build copies beside itself (its ProjectReference on ChatStreams.Host).</summary>
    public static string HostBinary => Path.Combine(AppContext.BaseDirectory, "chatstreams.dll");

    /// <summary>Starts the system and returns once it printed its "ChatStreams is up" line (edges may still be warming up).</summary>
    /// <param name="arguments">More arguments of `up` (e.g. --kafka of a broker run on its own).</param>
    /// <param name="environment">Extra environment of `up`, which its children inherit.</param>
    /// <param name="dataDirectory">The data directory, kept afterwards; null: a throw-away one, deleted on dispose.</param>
    /// <param name="logPath">A file that receives every line the system prints.</param>
    public static async Task<ChatUpProcess> StartAsync(CancellationToken ct, IReadOnlyList<string>? arguments = null,
        IReadOnlyDictionary<string, string>? environment = null, string? dataDirectory = null, string? logPath = null)
    {
        if (!File.Exists(HostBinary))
            throw new InvalidOperationException($"{HostBinary} is missing: build src/ChatStreams.Bench, which builds the host beside it, or pass --url of a running system.");
        var data = dataDirectory ?? Path.Combine(Path.GetTempPath(), "chatstreams-edge-bench-" + Guid.NewGuid().ToString("N")[..12]);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { HostBinary, "up", "--data-dir", data, "--port", "0", "--kafka-port", "0", "--registry-port", "0" }.Concat(arguments ?? []))
            info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start `dotnet chatstreams.dll up`");
        var up = new ChatUpProcess(process, data, ownsDirectory: dataDirectory is null, logPath);
        try
        {
            up.Endpoints = await up.WaitForAnnouncementAsync(ct);
            return up;
        }
        catch
        {
            await up.DisposeAsync();
            throw;
        }
    }

    private async Task<UpAnnouncement> WaitForAnnouncementAsync(CancellationToken ct)
    {
        var announced = new TaskCompletionSource<UpAnnouncement>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The host logs every component's output to stdout; it is read to the end so the pipe never fills and blocks it.
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            Remember(e.Data);
            if (UpAnnouncement.TryParse(e.Data) is { } line) announced.TrySetResult(line);
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Remember("stderr: " + e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var exited = _process.WaitForExitAsync(ct);
        var first = await Task.WhenAny(announced.Task, exited, Task.Delay(StartTimeout, ct));
        if (first == announced.Task) return await announced.Task;
        ct.ThrowIfCancellationRequested();
        throw new InvalidOperationException(first == exited
            ? $"`chatstreams up` exited with code {_process.ExitCode} before it was up; its last output:\n{RecentLog()}"
            : $"`chatstreams up` did not announce itself within {StartTimeout.TotalSeconds:0} s; its last output:\n{RecentLog()}");
    }

    private void Remember(string line)
    {
        lock (_log)
        {
            _logFile?.WriteLine(line);
            _log.Enqueue(line);
            if (_log.Count > KeptLogLines) _log.Dequeue();
        }
    }

    /// <summary>The host's last lines of output, for an error message.</summary>
    public string RecentLog()
    {
        lock (_log) return string.Join('\n', _log.TakeLast(40));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = ProcessSignals.Terminate(_process.Id);
            using var patience = new CancellationTokenSource(StopTimeout);
            try { await _process.WaitForExitAsync(patience.Token); }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine($"`chatstreams up` did not stop within {StopTimeout.TotalSeconds:0} s of SIGTERM; killing it and its children");
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
        lock (_log)
        {
            _logFile?.Dispose();
            _logFile = null;
        }
        if (!_ownsDirectory) return;
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (DirectoryNotFoundException) { }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"could not delete {DataDirectory}: {e.Message}");
        }
    }

}
