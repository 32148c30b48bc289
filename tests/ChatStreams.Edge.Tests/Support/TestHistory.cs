using ChatStreams.Edge.History;
using ChatStreams.Sinks.History.Sqlite;
using ChatStreams.TestSupport;
using chatstreams.v1;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Edge.Tests.Support;

/// <summary>
/// The edge's history over a real SQLite history store in a temp folder, with the sink's role played by the test:
/// <see cref="Apply"/> lands events as the history sink would. Catching up always succeeds at once (the test applies
/// before it reads) unless <see cref="CatchUp"/> is replaced.
/// </summary>
internal sealed class TestHistory : IDisposable
{
    private readonly TempDirectory _folder = new("edge-history");

    public TestHistory()
    {
        Store = new SqliteHistoryStore(_folder.Sub("history.db"), NullLogger<SqliteHistoryStore>.Instance);
        Store.InitializeAsync(default).GetAwaiter().GetResult();
        History = new StoreHistory(Store, (timeout, ct) => CatchUp(timeout, ct), () => Ready, Decisions, Presence);
    }

    public SqliteHistoryStore Store { get; }
    public StoreHistory History { get; }
    public DecisionWatches Decisions { get; } = new();
    public PresenceBoard Presence { get; } = new();
    public bool Ready { get; set; } = true;
    public Func<TimeSpan, CancellationToken, Task<bool>> CatchUp { get; set; } = (_, _) => Task.FromResult(true);

    /// <summary>Lands events in the store, one batch, as the history sink does.</summary>
    public void Apply(params ChatEvent[] events) => Store.ApplyAsync(events, [], default).GetAwaiter().GetResult();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}
