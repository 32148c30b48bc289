using System.Collections.Concurrent;
using System.Diagnostics;

namespace ChatStreams.TestSupport;

/// <summary>
/// One of the repository's programs (chatctl, chatstreams) as a child process, run from its own build output,, configured through environment
/// variables like a deployment. Disposing kills it (SIGKILL) if it still runs, so a failing test leaves nothing behind.
/// </summary>
public sealed class ProgramProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly ConcurrentQueue<string> _lines = new();

    private ProgramProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            _stdout.Enqueue(e.Data);
            _lines.Enqueue(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            _stderr.Enqueue(e.Data);
            _lines.Enqueue("stderr: " + e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Stdout => string.Join('\n', _stdout);

    public string Stderr => string.Join('\n', _stderr);

    /// <summary>Every line in the order it came, standard error's prefixed "stderr: ".</summary>
    public IReadOnlyList<string> Output => _lines.ToArray();

    public int ProcessId => _process.Id;

    /// <summary>Starts src/&lt;project&gt;/bin/&lt;this test build's configuration&gt;/net10.0/&lt;dll&gt; with dotnet.</summary>
    public static ProgramProcess Start(string project, string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var path = RepositoryPaths.ProgramAssembly(project, dll);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add(path);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        return new ProgramProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"));
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
            if (_lines.Any(match)) return;
            if (_process.HasExited)
            {
                // Exited, but its last lines may still be on their way: wait for the output to end, then look again.
                _process.WaitForExit();
                if (_lines.Any(match)) return;
                break;
            }
            await Task.Delay(50);
        }
        var why = _process.HasExited ? $"it exited with {_process.ExitCode}" : $"none within {timeout.TotalSeconds:0} s";
        throw new TimeoutException($"no matching output ({why}); its last lines:\n{string.Join('\n', _lines.TakeLast(40))}");
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
