using ChatStreams.TestSupport;

namespace ChatStreams.Sinks.Tests.Support;

/// <summary>Temp folders for store files: SQLite's pooled connections keep the files open until the pools are cleared.</summary>
internal static class StoreFolder
{
    public static TempDirectory New(string prefix) => new(prefix, Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools);
}
