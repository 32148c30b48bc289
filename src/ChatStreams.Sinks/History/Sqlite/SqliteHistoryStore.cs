using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Sinks.History.Sqlite;

/// <summary>
/// The history in one SQLite file: the sink process writes it, edge processes on the same machine read it. WAL lets
/// readers run beside the writer; synchronous=FULL makes a committed batch survive a power cut, not only a crash,
/// because the sink commits its Kafka offsets right after. A busy file makes a statement wait (the connection's
/// default timeout) instead of failing.
/// </summary>
public sealed partial class SqliteHistoryStore : IHistoryStore
{
    private const int BusyTimeoutSeconds = 30;

    private readonly string _connectionString;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _setup = new(1, 1);
    private volatile bool _initialized;

    public SqliteHistoryStore(string path, ILogger<SqliteHistoryStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        DatabasePath = Path.GetFullPath(path);
        _logger = logger ?? NullLogger<SqliteHistoryStore>.Instance;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = BusyTimeoutSeconds,
        }.ToString();
    }

    public string DatabasePath { get; }

    public async Task InitializeAsync(CancellationToken ct)
    {
        if (_initialized) return;
        await _setup.WaitAsync(ct);
        try
        {
            if (_initialized) return;
            Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
            await using var connection = await OpenAsync(ct);
            await using (var wal = connection.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode=WAL;";
                await wal.ExecuteNonQueryAsync(ct);
            }
            await using (var create = connection.CreateCommand())
            {
                create.CommandText = SqliteHistorySchema.Create;
                await create.ExecuteNonQueryAsync(ct);
            }
            _initialized = true;
            _logger.LogInformation("History store ready at {Path} (SQLite, schema version {Version}).", DatabasePath, SqliteHistorySchema.Version);
        }
        finally { _setup.Release(); }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct);
            await using var pragmas = connection.CreateCommand();
            pragmas.CommandText = "PRAGMA synchronous=FULL;";
            await pragmas.ExecuteNonQueryAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task<SqliteConnection> OpenInitializedAsync(CancellationToken ct)
    {
        await InitializeAsync(ct);
        return await OpenAsync(ct);
    }

    internal static long ToUnixMs(DateTime at) =>
        new DateTimeOffset(at.Kind == DateTimeKind.Local ? at.ToUniversalTime() : DateTime.SpecifyKind(at, DateTimeKind.Utc)).ToUnixTimeMilliseconds();

    internal static DateTime FromUnixMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime;
}
