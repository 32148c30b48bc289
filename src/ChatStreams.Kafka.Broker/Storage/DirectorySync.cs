using System.Runtime.InteropServices;

namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>
/// fsync of a directory, so that file creations, renames and deletions survive a power loss — .NET has no
/// API for it (a directory cannot be opened as a FileStream), so this calls open/fsync/close from libc.
/// On Windows, where renames are journaled and directories cannot be fsynced, it does nothing.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;

    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD()) return;
        int descriptor = Open(directory, ReadOnly);
        if (descriptor < 0)
            throw new IOException($"Cannot open directory {directory} to fsync it (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (Fsync(descriptor) != 0)
                throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    /// <summary>libc open(2): a descriptor, or -1 with errno in Marshal.GetLastPInvokeError (VolumeSync opens its directory with it too).</summary>
    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int descriptor);
}
