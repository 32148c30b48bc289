using System.Runtime.InteropServices;

namespace ChatStreams.Host.Supervision;

/// <summary>kill(2): .NET's Process.Kill only sends SIGKILL, and children deserve a chance to shut down cleanly.</summary>
internal static partial class Posix
{
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
