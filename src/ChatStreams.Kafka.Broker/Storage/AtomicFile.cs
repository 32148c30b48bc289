namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>
/// Replaces a small state file so a crash leaves either the old or the new content, never a torn one:
/// write a temporary file, fsync it, rename it over the old one, fsync the directory (so the rename itself
/// survives a power cut).
/// </summary>
public static class AtomicFile
{
    public const string TemporarySuffix = ".tmp";

    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var temporary = path + TemporarySuffix;
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        DirectorySync.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}
