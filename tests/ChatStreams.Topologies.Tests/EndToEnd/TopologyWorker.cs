using ChatStreams.TestSupport;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using ChatStreams.Topologies.Tests.Support;

namespace ChatStreams.Topologies.Tests.EndToEnd;

/// <summary>
/// One `chatstreams topology all` process (conversation, fan-out and presence in one worker), configured through
/// environment variables like a deployment configures it. It can be killed with SIGKILL (no commit, no clean close,
/// no leaving the group) or stopped with SIGTERM (the clean shutdown path). Disposing kills it if it still runs, so
/// a failing test never leaves a worker behind.
/// </summary>
public sealed partial class TopologyWorker : IDisposable
{
    private const string DllName = "chatstreams.dll";
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private int _lineCount;

    private TopologyWorker(string name, Process process)
    {
        Name = name;
        _process = process;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data is null ? null : "stderr: " + e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Every line the worker wrote so far (stdout and stderr), in order.</summary>
    public IReadOnlyList<string> Output => _lines.ToArray();

    /// <summary>How many lines the worker has written: a mark to look only at what comes after it.</summary>
    public int LineCount => Volatile.Read(ref _lineCount);

    public static TopologyWorker Start(string name, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(Locate());
        info.ArgumentList.Add("topology");
        info.ArgumentList.Add("all");
        foreach (var (key, value) in environment) info.Environment[key] = value;
        return new TopologyWorker(name, Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    /// <summary>
    /// The configuration of a test worker: the broker and registry, its state directory, a 100 ms commit interval, one
    /// stream thread, and the partition counts the test created its conversation-keyed and user-keyed topics with.
    /// </summary>
    public static Dictionary<string, string> Environment(string bootstrapServers, string registryUrl, string stateDirectory,
        int conversationPartitions, int userPartitions) => new()
    {
        ["Kafka__BootstrapServers"] = bootstrapServers,
        // A killed member leaves the group after 6 s instead of the default 30 s.
        ["Kafka__Extra__session.timeout.ms"] = "6000",
        ["SchemaRegistry__Url"] = registryUrl,
        ["Streams__StateDirectory"] = stateDirectory,
        ["Streams__CommitIntervalMs"] = "100",
        ["Streams__NumStreamThreads"] = "1",
        // No connection may go silent during the test: every routing decision depends only on the Connects.
        ["Topologies__SessionInactivityGap"] = "00:10:00",
        ["Topics__Commands__Partitions"] = $"{conversationPartitions}",
        ["Topics__Events__Partitions"] = $"{conversationPartitions}",
        ["Topics__Receipts__Partitions"] = $"{conversationPartitions}",
        ["Topics__Sessions__Partitions"] = $"{userPartitions}",
        ["Topics__Presence__Partitions"] = $"{userPartitions}",
        ["Topics__Notifications__Partitions"] = $"{userPartitions}",
        ["Topics__Delivery__Partitions"] = $"{userPartitions}",
    };

    /// <summary>
    /// The host is built into its own bin folder (a ProjectReference with ReferenceOutputAssembly=false):
    /// src/ChatStreams.Host/bin/&lt;configuration&gt;/&lt;tfm&gt;/chatstreams.dll, in the configuration of this test build.
    /// </summary>
    private static string Locate()
    {
        var ours = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = ours.Parent!.Name;
        var candidate = Path.Combine(RepositoryPaths.Root, "src", "ChatStreams.Host", "bin", configuration, ours.Name, DllName);
        return File.Exists(candidate) ? candidate : throw new FileNotFoundException($"{DllName} not found at {candidate}: build the test project first");
    }

    public async Task WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, int since = 0)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_lines.Skip(since).Any(match)) return;
            if (_process.HasExited) break;
            await Task.Delay(50);
        }
        var why = _process.HasExited ? $"it exited with {_process.ExitCode}" : $"none within {timeout.TotalSeconds:0} s";
        throw new TimeoutException($"worker {Name}: no matching output ({why}); its last lines:\n{string.Join('\n', _lines.TakeLast(60))}");
    }

    /// <summary>kill -9.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM, as Kubernetes or the supervisor stops it; true when it exited within the timeout.</summary>
    public async Task<bool> TerminateAsync(TimeSpan timeout)
    {
        if (_process.HasExited) return true;
        if (SendSignal(_process.Id, SigTerm) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}");
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _lines.Enqueue(line);
        Interlocked.Increment(ref _lineCount);
    }

    // Process.Kill only sends SIGKILL; the clean shutdown path needs SIGTERM.
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
