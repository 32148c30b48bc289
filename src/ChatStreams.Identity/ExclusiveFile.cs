using System.Runtime.InteropServices;

namespace ChatStreams.Identity;

/// <summary>
/// Puts a fully written file in place only if nothing is there yet, atomically across processes. File.Move without
/// overwrite is not enough on Unix: .NET checks for the target and then renames, so two processes can both "win".
/// A hard link fails with EEXIST instead, and POSIX guarantees the check and the link are one step.
/// </summary>
internal static partial class ExclusiveFile
{
    private const int EEXIST = 17; // same value on Linux and macOS

    /// <summary>True when <paramref name="source"/> now also lives at <paramref name="destination"/>; false when another file was already there.</summary>
    public static bool TryPublish(string source, string destination)
    {
        if (OperatingSystem.IsWindows())
        {
            // MoveFileEx without MOVEFILE_REPLACE_EXISTING is atomic and refuses an existing target.
            try
            {
                File.Move(source, destination, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(destination))
            {
                return false;
            }
        }

        try
        {
            if (Link(source, destination) == 0)
            {
                return true;
            }

            if (Marshal.GetLastPInvokeError() == EEXIST)
            {
                return false;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A Unix without a C library named libc: use the fallback below.
        }

        // File systems without hard links (FAT, some network mounts): fall back to the best .NET offers.
        try
        {
            File.Move(source, destination, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(destination))
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existingPath, string newPath);
}
