using System.Collections.Concurrent;
using System.Diagnostics;

namespace ChatStreams.Streams.Tests.Runtime.Support;

/// <summary>tests/ChatStreams.Streams.Worker run as its own process: killable with SIGKILL, or closed cleanly via stdin.</summary>
public sealed class WorkerProcess : IDisposable
{
    private const string DllName = "ChatStreams.Streams.Worker.dll";
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue("stderr: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public bool HasExited => _process.HasExited;
    public IReadOnlyCollection<string> Output => _lines.ToArray();

    public static WorkerProcess Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(Locate());
        foreach (var a in args) info.ArgumentList.Add(a);
        return new WorkerProcess(Process.Start(info)!);
    }

    /// <summary>The worker is built into its own bin folder beside ours (tests/&lt;project&gt;/bin/&lt;cfg&gt;/&lt;tfm&gt;/).</summary>
    private static string Locate()
    {
        var ours = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var config = ours.Parent!.Name;
        var candidate = Path.Combine(ours.Parent!.Parent!.Parent!.Parent!.FullName, "ChatStreams.Streams.Worker", "bin", config, ours.Name, DllName);
        return File.Exists(candidate) ? candidate : throw new FileNotFoundException($"{DllName} not found at {candidate}: build the test project first");
    }

    public async Task WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_lines.Any(match)) return;
            if (_process.HasExited) break;
            await Task.Delay(50);
        }
        throw new TimeoutException($"worker: no matching output within {timeout}; output so far:\n{string.Join('\n', _lines.TakeLast(60))}");
    }

    /// <summary>kill -9: no commit, no clean close, no leaving the group.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>Closes stdin: the worker closes its KafkaStreams cleanly and exits.</summary>
    public bool Stop(TimeSpan timeout)
    {
        if (_process.HasExited) return true;
        _process.StandardInput.Close();
        if (!_process.WaitForExit(timeout)) return false;
        // With a timeout, WaitForExit returns before the redirected output is drained; this overload waits for it, so
        // the worker's last lines ("closed cleanly …") are in Output when the caller looks.
        _process.WaitForExit();
        return true;
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
