using ChatStreams.TestSupport;
using System.Collections.Concurrent;
using System.Diagnostics;

namespace ChatStreams.Sinks.Tests.Support;

/// <summary>
/// One `chatstreams sink &lt;name&gt;` process configured through environment variables like a deployment configures
/// it. <see cref="Kill"/> is kill -9 (no flush, no commit, no leaving the group); disposing kills it if it still runs,
/// so a failing test never leaves a sink behind.
/// </summary>
public sealed class SinkProcess : IDisposable
{
    private const string DllName = "chatstreams.dll";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private SinkProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue("stderr: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int ProcessId => _process.Id;

    public IReadOnlyList<string> Output => _lines.ToArray();

    public static SinkProcess Start(string sink, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(Locate());
        info.ArgumentList.Add("sink");
        info.ArgumentList.Add(sink);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        return new SinkProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    /// <summary>The host's own bin folder (built through a ProjectReference without its assembly), in this test build's configuration.</summary>
    private static string Locate()
    {
        var ours = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var candidate = Path.Combine(RepositoryPaths.Root, "src", "ChatStreams.Host", "bin", ours.Parent!.Name, ours.Name, DllName);
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
        var why = _process.HasExited ? $"it exited with {_process.ExitCode}" : $"none within {timeout.TotalSeconds:0} s";
        throw new TimeoutException($"sink: no matching output ({why}); its last lines:\n{string.Join('\n', _lines.TakeLast(40))}");
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
