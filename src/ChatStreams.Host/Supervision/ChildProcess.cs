using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Host.Supervision;

/// <summary>
/// Keeps one child process running: starts it, forwards its output to the log, and restarts it when it
/// exits unexpectedly, with exponential back-off (<see cref="RestartPolicy"/>: 1 s doubling to 30 s by default; reset once it
/// stayed up a minute).
/// </summary>
public sealed class ChildProcess(ChildSpec spec, ILogger logger, TimeProvider time, RestartPolicy? policy = null) : IAsyncDisposable
{
    private readonly RestartPolicy _policy = policy ?? new RestartPolicy();

    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private Process? _current;
    private int? _pid;

    public string Name => spec.Name;
    public int Restarts { get; private set; }
    /// <summary>The running child's pid, null while it is down (between a crash and its restart).</summary>
    public int? ProcessId => _pid;
    public DateTimeOffset? StartedAt { get; private set; }

    /// <summary>Exit codes seen so far, newest last (for status pages and tests).</summary>
    public IReadOnlyList<int> ExitCodes => _exitCodes;
    private readonly List<int> _exitCodes = [];

    public void Start() => _loop = Task.Run(() => SuperviseAsync(_stop.Token));

    private async Task SuperviseAsync(CancellationToken ct)
    {
        var backoff = _policy.InitialDelay;
        while (!ct.IsCancellationRequested)
        {
            var started = time.GetTimestamp();
            int exitCode;
            try
            {
                exitCode = await RunOnceAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "{Child} could not be started", spec.Name);
                exitCode = -1;
            }
            if (ct.IsCancellationRequested) return;
            lock (_exitCodes) _exitCodes.Add(exitCode);
            if (time.GetElapsedTime(started) >= _policy.HealthyAfter) backoff = _policy.InitialDelay;
            Restarts++;
            logger.LogWarning("{Child} exited with code {ExitCode}; restart #{Restarts} in {Delay} s",
                spec.Name, exitCode, Restarts, backoff.TotalSeconds);
            try { await Task.Delay(backoff, time, ct); }
            catch (OperationCanceledException) { return; }
            backoff = TimeSpan.FromTicks(Math.Min(Math.Max(backoff.Ticks * 2, 1), _policy.MaxDelay.Ticks));
        }
    }

    private async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var info = StartInfo();
        using var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) logger.LogInformation("[{Child}] {Line}", spec.Name, e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) logger.LogWarning("[{Child}] {Line}", spec.Name, e.Data); };
        process.Start();
        _current = process;
        _pid = process.Id;
        StartedAt = time.GetUtcNow();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        logger.LogInformation("{Child} started (pid {Pid})", spec.Name, process.Id);
        try
        {
            await process.WaitForExitAsync(ct);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await StopAsync(process);
            throw;
        }
        finally
        {
            _pid = null;
            _current = null;
        }
    }

    private const string Nice = "/usr/bin/nice";

    private ProcessStartInfo StartInfo()
    {
        var info = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        if (spec.Executable is { } exe)
        {
            info.FileName = exe;
        }
        else
        {
            // Same binary as the host. Under `dotnet chatstreams.dll` the process path is dotnet itself.
            var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find the chatstreams executable");
            info.FileName = self;
            if (Path.GetFileNameWithoutExtension(self) == "dotnet")
                info.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        }
        foreach (var a in spec.Arguments) info.ArgumentList.Add(a);
        if (spec.Niceness > 0 && OperatingSystem.IsLinux() && File.Exists(Nice))
        {
            // nice execs the program: the PID the supervisor signals is still the child's own.
            info.ArgumentList.Insert(0, info.FileName);
            info.ArgumentList.Insert(0, Math.Min(spec.Niceness, 19).ToString(System.Globalization.CultureInfo.InvariantCulture));
            info.ArgumentList.Insert(0, "-n");
            info.FileName = Nice;
        }
        if (spec.Environment is { } env)
            foreach (var (k, v) in env) info.Environment[k] = v;
        return info;
    }

    /// <summary>SIGTERM first (the child shuts down cleanly), then kill after 10 s.</summary>
    private async Task StopAsync(Process process)
    {
        if (process.HasExited) return;
        try
        {
            process.StandardInput.Close();
            if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) _ = Posix.Kill(process.Id, Posix.SigTerm);
            else process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            logger.LogWarning("{Child} did not stop within 10 s; killing it", spec.Name);
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Kills the running child without a clean shutdown (fault tests, chatctl kill).</summary>
    public void KillCurrent()
    {
        try { _current?.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop;
    }
}
