using System.Collections.Concurrent;
using System.Diagnostics;
using ChatStreams.Contracts.Hosting;

namespace ChatStreams.Kafka.Broker.Tests.Support;

/// <summary>A .NET program from the test output folder run as its own process, killable with SIGKILL.</summary>
public sealed class ChildProcessRunner : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _lineArrived = new(0);

    private ChildProcessRunner(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _lines.Enqueue(e.Data); _lineArrived.Release(); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue("stderr: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public IReadOnlyCollection<string> Output => _lines.ToArray();

    /// <summary>Starts <c>dotnet &lt;dll&gt; args</c> where the dll sits beside the test assembly.</summary>
    public static ChildProcessRunner Start(string dllName, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, dllName);
        if (!File.Exists(dll)) dll = FindSiblingBuild(dllName);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        return new ChildProcessRunner(Process.Start(info)!);
    }

    /// <summary>Programs that are not referenced as assemblies are built into their own bin folder next to ours.</summary>
    private static string FindSiblingBuild(string dllName)
    {
        var name = Path.GetFileNameWithoutExtension(dllName);
        var ours = new DirectoryInfo(AppContext.BaseDirectory); // tests/<proj>/bin/<cfg>/net10.0/
        var config = ours.Parent!.Name;
        var candidate = Path.Combine(ours.Parent!.Parent!.Parent!.Parent!.FullName, name, "bin", config, ours.Name, dllName);
        if (File.Exists(candidate)) return candidate;
        throw new FileNotFoundException($"{dllName} not found beside the tests nor at {candidate}: build the solution first");
    }

    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var hit = _lines.FirstOrDefault(match);
            if (hit is not null) return hit;
            if (_process.HasExited) break;
            await _lineArrived.WaitAsync(TimeSpan.FromMilliseconds(200));
        }
        throw new TimeoutException($"no matching output within {timeout}; output so far:\n{string.Join('\n', _lines.TakeLast(40))}");
    }

    /// <summary>kill -9: no clean shutdown, no flush, no goodbye.</summary>
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
