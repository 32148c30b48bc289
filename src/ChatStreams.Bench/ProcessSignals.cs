using System.Runtime.InteropServices;

namespace ChatStreams.Bench;

/// <summary>Signals to processes by pid: SIGTERM stops `chatstreams up` cleanly; the fault campaign kills -9 children of it that it does not own.</summary>
public static class ProcessSignals
{
    private const int SigKill = 9;
    private const int SigTerm = 15;

    /// <summary>kill -9 <paramref name="pid"/>; false when it is already gone.</summary>
    public static bool Kill(int pid) => NativeKill(pid, SigKill) == 0;

    public static bool Terminate(int pid) => NativeKill(pid, SigTerm) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int NativeKill(int pid, int signal);
}
