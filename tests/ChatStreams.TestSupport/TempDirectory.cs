namespace ChatStreams.TestSupport;

/// <summary>A fresh directory under the system temp folder (broker data, worker state, store files), removed on dispose.</summary>
/// <param name="beforeDelete">Lets go of what keeps files open (e.g. SQLite's connection pool) before the delete.</param>
public sealed class TempDirectory(string prefix, Action? beforeDelete = null) : IDisposable
{
    public string Path { get; } = Create(prefix);

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    private static string Create(string prefix)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        beforeDelete?.Invoke();
        // A second try: a stopping broker may still write a checkpoint while the first one deletes.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                Directory.Delete(Path, recursive: true);
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(200);
            }
        }
    }
}
