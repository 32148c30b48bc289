using ChatStreams.Sinks.Analytics.Migrations;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Sinks.Analytics.DuckDb;

/// <summary>
/// The analytics tables in one DuckDB file, the embedded default. DuckDB lets one process open a file read-write and
/// then no other process may open it at all, so the sink process owns it and answers chatctl's queries through its
/// loopback query endpoint (<see cref="Query.AnalyticsQueryEndpoint"/>); chatctl opens the file itself, read-only,
/// only when no sink holds it. Each batch is one transaction: its rows are appended straight into the tables, and a
/// batch with a key already stored (a replay) is rolled back and written again as INSERT ... ON CONFLICT on the tables'
/// primary keys (DuckDbAnalyticsStore.Writes.cs), so a replayed batch adds nothing; the commit is durable (DuckDB
/// writes its WAL through) before the sink commits offsets.
/// </summary>
public sealed partial class DuckDbAnalyticsStore : IAnalyticsStore
{
    private readonly string _connectionString;
    private readonly bool _readOnly;
    private readonly int _threads;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writes = new(1, 1);
    private DuckDBConnection? _writer;

    /// <param name="threads">DuckDB's worker threads (<see cref="AnalyticsStoreOptions.DuckDbThreads"/>; 0: DuckDB's default).</param>
    public DuckDbAnalyticsStore(string path, bool readOnly = false, ILogger<DuckDbAnalyticsStore>? logger = null,
        int threads = AnalyticsStoreOptions.DefaultDuckDbThreads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        DatabasePath = Path.GetFullPath(path);
        _readOnly = readOnly;
        _threads = threads;
        _logger = logger ?? NullLogger<DuckDbAnalyticsStore>.Instance;
        _connectionString = readOnly ? $"Data Source={DatabasePath};ACCESS_MODE=READ_ONLY" : $"Data Source={DatabasePath}";
    }

    public string DatabasePath { get; }

    public string Location => DatabasePath;

    public async Task InitializeAsync(CancellationToken ct)
    {
        if (_readOnly)
        {
            if (!File.Exists(DatabasePath))
                throw new AnalyticsQueryException($"There is no analytics database at {DatabasePath}: start the analytics sink (chatstreams sink analytics) " +
                                                  "to create it, or point Analytics__DuckDbPath at the file it writes.");
            await using var probe = await OpenAsync(ct);
            return;
        }
        await MigrateAsync(int.MaxValue, ct);
    }

    /// <summary>
    /// Applies the migrations up to <paramref name="upToVersion"/> not applied yet, each in its own transaction with its
    /// schema_migrations row, so a version is applied entirely or not at all. Two stores migrating at once (two
    /// connections of one process; another process cannot open the file) conflict at commit; the loser sees the
    /// winner's version and skips it.
    /// </summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(int upToVersion, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        var applied = new List<int>();
        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, null, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name VARCHAR NOT NULL, applied_at_ms BIGINT NOT NULL)", ct);
        foreach (var migration in AnalyticsMigrations.For(AnalyticsMigrations.DuckDb).Where(m => m.Version <= upToVersion))
        {
            for (var attempt = 1; ; attempt++)
            {
                if ((await VersionsAsync(connection, ct)).Contains(migration.Version)) break;
                await using var tx = await connection.BeginTransactionAsync(ct);
                try
                {
                    foreach (var statement in migration.Statements) await ExecuteAsync(connection, tx, statement, ct);
                    await ExecuteAsync(connection, tx,
                        $"INSERT INTO schema_migrations VALUES ({migration.Version}, {SqlLiterals.DuckDb(migration.Name)}, {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()})", ct);
                    await tx.CommitAsync(ct);
                    applied.Add(migration.Version);
                    _logger.LogInformation("Analytics store {Path}: applied migration {Version} ({Name}).", DatabasePath, migration.Version, migration.Name);
                    break;
                }
                catch (DuckDBException e) when (attempt < 5)
                {
                    // Another connection committed the same schema change first (a write-write conflict): look again.
                    _logger.LogDebug("Analytics migration {Version} conflicted ({Reason}); checking again.", migration.Version, e.Message);
                    await SafeRollbackAsync(tx);
                }
            }
        }
        if (_writer is null)
        {
            _writer = await OpenAsync(ct);
            // The sink's database never reads or writes other files; this also keeps ad-hoc queries through the
            // endpoint (read_csv, COPY, ATTACH) away from the machine's files.
            await ExecuteAsync(_writer, null, "SET enable_external_access = false", ct);
            // A setting of the database, so the query endpoint's reads in this process use it too.
            if (_threads > 0) await ExecuteAsync(_writer, null, $"SET threads = {_threads}", ct);
        }
        await _writes.WaitAsync(ct);
        try { await CreateStagingTablesAsync(_writer, ct); }
        finally { _writes.Release(); }
        return applied;
    }

    public async Task<IReadOnlyList<int>> AppliedMigrationsAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return [.. (await VersionsAsync(connection, ct)).Order()];
    }

    private static async Task<HashSet<int>> VersionsAsync(DuckDBConnection connection, CancellationToken ct)
    {
        var versions = new HashSet<int>();
        // A read-only file written before migrations existed has no schema_migrations: no versions.
        if (!await TableExistsAsync(connection, "schema_migrations", ct)) return versions;
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_migrations";
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) versions.Add(Convert.ToInt32(reader.GetValue(0)));
        return versions;
    }

    private static async Task<bool> TableExistsAsync(DuckDBConnection connection, string table, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM information_schema.tables WHERE table_name = {SqlLiterals.DuckDb(table)}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct)) > 0;
    }

    private async Task<DuckDBConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new DuckDBConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch (DuckDBException e)
        {
            await connection.DisposeAsync();
            throw new AnalyticsQueryException(OpenFailure(e), e);
        }
    }

    private string OpenFailure(DuckDBException e) => e.Message.Contains("lock", StringComparison.OrdinalIgnoreCase)
        ? $"The analytics database {DatabasePath} is held by another process (DuckDB allows one): {e.Message.Trim()} " +
          "While the analytics sink runs, query it through its endpoint (Analytics__QueryUrl, or the URL it writes to " +
          $"{Query.AnalyticsQueryEndpoint.UrlFile(DatabasePath)}); otherwise stop the process that holds the file."
        : $"Could not open the analytics database {DatabasePath}: {e.Message.Trim()}";

    private static async Task ExecuteAsync(DuckDBConnection connection, System.Data.Common.DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task SafeRollbackAsync(System.Data.Common.DbTransaction tx)
    {
        try { await tx.RollbackAsync(); }
        catch (Exception e) when (e is DuckDBException or InvalidOperationException) { } // already rolled back by the failure
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null) await _writer.DisposeAsync();
        _writer = null;
    }
}
