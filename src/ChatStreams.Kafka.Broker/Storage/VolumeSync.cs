using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>
/// Group commit for a whole data directory: one syncfs(2) makes everything written to the directory's file system
/// before it started durable, so all partitions waiting for durability at the same moment share one call instead of
/// one fsync each. A transaction's commit writes markers into every partition it touched and the stream threads
/// commit many times a second, so per-partition fsyncs ran ~2,000 times a second at 50 messages/s; each paid its own
/// block-layer round trip (a VM exit on virtual disks). The price: the call also flushes other programs' data on the
/// same file system, so give the broker's data directory its own volume where others write a lot.
/// </summary>
internal sealed partial class VolumeSync : IDisposable
{
    private readonly string _directory;
    private readonly SafeFileHandle _handle;
    private readonly GroupCommit _groupCommit;
    private long _tickets;

    private VolumeSync(string directory, SafeFileHandle handle)
    {
        _directory = directory;
        _handle = handle;
        // Group commit over tickets instead of offsets: a sync starting after a ticket was drawn covers its caller's
        // writes, and a sync covers every ticket drawn before it started.
        _groupCommit = new GroupCommit(() => Volatile.Read(ref _tickets), GroupCommit.Fsync(Sync));
    }

    /// <summary>Opens <paramref name="directory"/> for syncfs; null where the OS has no syncfs (then each file is fsynced).</summary>
    public static VolumeSync? TryOpen(string directory)
    {
        if (!OperatingSystem.IsLinux()) return null;
        int descriptor = DirectorySync.Open(directory, ReadOnlyDirectory);
        if (descriptor < 0)
            throw new IOException($"Cannot open the data directory {directory} to sync its file system (errno {Marshal.GetLastPInvokeError()}).");
        return new VolumeSync(directory, new SafeFileHandle(descriptor, ownsHandle: true));
    }

    /// <summary>syncfs calls made (tests check that concurrent callers share them).</summary>
    public long SyncCount => _groupCommit.FsyncCount;

    /// <summary>Completes when a syncfs that started after this call has finished.</summary>
    public Task FlushAsync() => _groupCommit.WaitDurable(Interlocked.Increment(ref _tickets));

    private void Sync()
    {
        bool added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            if (Syncfs((int)_handle.DangerousGetHandle()) != 0)
                throw new IOException($"syncfs of the file system holding {_directory} failed (errno {Marshal.GetLastPInvokeError()}); data written since the last sync may not be on disk.");
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    public void Dispose() => _handle.Dispose();

    private const int ReadOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY on Linux

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int Syncfs(int descriptor);
}
