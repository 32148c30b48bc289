using ChatStreams.Host.Supervision;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Host.Tests;

public sealed class ChildProcessTests
{
    [Fact]
    public async Task A_crashing_child_is_restarted_and_its_exit_codes_recorded()
    {
        var marker = Path.Combine(Path.GetTempPath(), "child-" + Guid.NewGuid().ToString("N"));
        // Exits with 3 the first time, then stays up (a component that crashed once and recovered).
        var script = $"if [ -e {marker} ]; then exec sleep 60; else touch {marker}; exit 3; fi";
        await using var child = new ChildProcess(new ChildSpec("flaky", ["-c", script]) { Executable = "/bin/sh" },
            NullLogger.Instance, TimeProvider.System);
        child.Start();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((child.Restarts < 1 || child.ProcessId is null) && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(1, child.Restarts);
        Assert.Equal([3], child.ExitCodes);
        Assert.NotNull(child.ProcessId);
        File.Delete(marker);
    }

    [Fact]
    public async Task Disposing_stops_the_child()
    {
        var child = new ChildProcess(new ChildSpec("sleeper", ["60"]) { Executable = "/bin/sleep" }, NullLogger.Instance, TimeProvider.System);
        child.Start();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (child.ProcessId is null && DateTime.UtcNow < deadline) await Task.Delay(50);
        var pid = child.ProcessId!.Value;
        await child.DisposeAsync();
        Assert.Throws<ArgumentException>(() => System.Diagnostics.Process.GetProcessById(pid));
        Assert.Equal(0, child.Restarts);
    }

    [Fact]
    public async Task A_child_with_a_niceness_runs_at_it_and_is_still_signalled_by_its_own_pid()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/nice")) return;
        var child = new ChildProcess(new ChildSpec("background", ["60"]) { Executable = "/bin/sleep", Niceness = 7 }, NullLogger.Instance, TimeProvider.System);
        child.Start();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string? stat = null;
        // nice(1) execs the program: wait until the PID runs sleep itself, then read its niceness (field 19 of /proc/<pid>/stat).
        while (DateTime.UtcNow < deadline)
        {
            if (child.ProcessId is { } id && File.Exists($"/proc/{id}/comm") && File.ReadAllText($"/proc/{id}/comm").Trim() == "sleep")
            {
                stat = File.ReadAllText($"/proc/{id}/stat");
                break;
            }
            await Task.Delay(50);
        }
        Assert.NotNull(stat);
        var fields = stat![(stat.LastIndexOf(')') + 2)..].Split(' ');
        Assert.Equal("7", fields[16]); // field 19 counted from 1, after pid and comm
        var pid = child.ProcessId!.Value;
        await child.DisposeAsync();
        Assert.Throws<ArgumentException>(() => System.Diagnostics.Process.GetProcessById(pid));
    }
}
