using System.Diagnostics;
using ChatStreams.Bench.Edge;

namespace ChatStreams.Bench.Chaos;

/// <summary>
/// A `chatstreams` process the campaign starts itself (the broker run on its own, a second topology instance), so it
/// can kill -9 it and start it again with the same arguments — the same port and data directory. Its output is
/// appended to a log file.
/// </summary>
public sealed class OwnedProcess : IAsyncDisposable
{
    private readonly IReadOnlyList<string> _arguments;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly string? _readyLinePrefix;
    private readonly object _logLock = new();
    private readonly StreamWriter _log;
    private Process? _process;

    public string Name { get; }
    public string LogPath { get; }
    public int Starts { get; private set; }
    public bool Running => _process is { HasExited: false };

    /// <summary>
    /// Exits the campaign did not cause (no Kill or Stop before them): a process that dies by itself under faults is a
    /// bug to report, not a fault to count — and a fault due on it finds nothing to kill.
    /// </summary>
    public IReadOnlyList<string> UnexpectedExits
    {
        get { lock (_logLock) return [.. _unexpectedExits]; }
    }

    private readonly List<string> _unexpectedExits = [];
    private readonly HashSet<Process> _ended = []; // processes the campaign killed or stopped (their exit is expected)

    /// <param name="readyLinePrefix">Start waits for an output line starting so; null: it returns once the process runs.</param>
    public OwnedProcess(string name, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string logPath, string? readyLinePrefix)
    {
        Name = name;
        _arguments = arguments;
        _environment = environment;
        LogPath = logPath;
        _readyLinePrefix = readyLinePrefix;
        _log = new StreamWriter(logPath, append: true) { AutoFlush = true };
    }

    public async Task StartAsync(CancellationToken ct)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add(ChatUpProcess.HostBinary);
        foreach (var a in _arguments) info.ArgumentList.Add(a);
        foreach (var (k, v) in _environment) info.Environment[k] = v;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_readyLinePrefix is null) ready.SetResult();
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start `chatstreams {string.Join(' ', _arguments)}`");
        var start = Starts + 1;
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            lock (_logLock)
                if (!_ended.Contains(process)) _unexpectedExits.Add($"{Name} exited by itself with code {process.ExitCode} (start {start}); see {LogPath}");
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            Write(e.Data);
            if (_readyLinePrefix is not null && e.Data.StartsWith(_readyLinePrefix, StringComparison.Ordinal)) ready.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Write("stderr: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        Starts++;
        var first = await Task.WhenAny(ready.Task, process.WaitForExitAsync(ct), Task.Delay(TimeSpan.FromSeconds(60), ct));
        if (first != ready.Task)
            throw new InvalidOperationException($"{Name} (`chatstreams {string.Join(' ', _arguments)}`) did not start; see {LogPath}");
    }

    private void Write(string line)
    {
        lock (_logLock) _log.WriteLine(line);
    }

    /// <summary>kill -9: no clean shutdown, no flush; what it acknowledged must survive anyway.</summary>
    public void Kill()
    {
        if (_process is not { HasExited: false } p) return;
        lock (_logLock) _ended.Add(p);
        p.Kill();
        p.WaitForExit(10_000);
    }

    /// <summary>SIGTERM and wait: a clean leave (a consumer group member leaving rebalances the group).</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } p) return;
        lock (_logLock) _ended.Add(p);
        try { p.StandardInput.Close(); } catch (IOException) { }
        ProcessSignals.Terminate(p.Id);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await p.WaitForExitAsync(patience.Token); }
        catch (OperationCanceledException) { p.Kill(); await p.WaitForExitAsync(); }
    }

    /// <summary>Lines of its log containing <paramref name="text"/> (e.g. the broker's "fault injected:").</summary>
    public int CountLogLines(string text)
    {
        lock (_logLock)
        {
            _log.Flush();
            using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            var count = 0;
            while (reader.ReadLine() is { } line)
                if (line.Contains(text, StringComparison.Ordinal)) count++;
            return count;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        lock (_logLock) _log.Dispose();
    }
}
