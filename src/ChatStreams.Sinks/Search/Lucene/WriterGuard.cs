namespace ChatStreams.Sinks.Search.Lucene;

/// <summary>
/// Keeps a second writer (another `chatstreams sink search` on the same folder) out, across processes. Lucene.Net's
/// own write.lock does not exclude another process on Linux (checked: two sink processes both opened a writer), so
/// the writer also holds this file open with FileShare.None, which .NET backs with an OS lock (flock) on Unix and a
/// share mode on Windows. The OS drops it when the process dies, so a sink killed with kill -9 leaves no stale lock.
/// </summary>
internal sealed class WriterGuard : IDisposable
{
    public const string FileName = "sink.lock";

    private readonly FileStream _file;

    private WriterGuard(FileStream file) => _file = file;

    /// <summary>Takes the folder's writer lock, or throws <see cref="InvalidOperationException"/> saying who holds it.</summary>
    public static WriterGuard Take(string folder)
    {
        var path = Path.Combine(folder, FileName);
        try
        {
            return new WriterGuard(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e) when (e is not (FileNotFoundException or DirectoryNotFoundException))
        {
            throw new InvalidOperationException(
                $"The search index at {folder} is being written by another process ({path} is locked): run one search sink per index folder, " +
                $"and open the index from edges with {nameof(LuceneSearchReader)}, which never takes the lock.", e);
        }
    }

    public void Dispose() => _file.Dispose();
}
