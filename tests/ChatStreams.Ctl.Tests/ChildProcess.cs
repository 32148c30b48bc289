using System.Collections.Concurrent;
using System.Diagnostics;
using ChatStreams.TestSupport;

namespace ChatStreams.Ctl.Tests;

/// <summary>
/// One of the repository's binaries (chatctl, chatstreams) as a child process, configured through environment
/// variables like a deployment. Disposing kills it (SIGKILL) if it still runs, so a failing test leaves nothing behind.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    private ChildProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _stdout.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _stderr.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Stdout => string.Join('\n', _stdout);

    public string Stderr => string.Join('\n', _stderr);

    /// <summary>Starts src/&lt;project&gt;/bin/&lt;this test build's configuration&gt;/net10.0/&lt;dll&gt; with dotnet.</summary>
    public static ChildProcess Start(string project, string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var ours = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(RepositoryPaths.Root, "src", project, "bin", ours.Parent!.Name, ours.Name, dll);
        if (!File.Exists(path)) throw new FileNotFoundException($"{dll} not found at {path}: build the test project first");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add(path);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    public async Task WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_stdout.Any(match)) return;
            if (_process.HasExited) break;
            await Task.Delay(50);
        }
        throw new TimeoutException($"no matching output (exited: {_process.HasExited}); stdout:\n{Stdout}\nstderr:\n{Stderr}");
    }

    /// <summary>kill -9.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
