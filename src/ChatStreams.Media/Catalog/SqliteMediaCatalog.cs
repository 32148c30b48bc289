using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ChatStreams.Media.Catalog;

/// <summary>
/// The catalog in one SQLite file that every edge of the machine opens (WAL: readers beside the one writer;
/// busy timeout: a writer waits for another process instead of failing).
/// </summary>
public sealed class SqliteMediaCatalog : IMediaCatalog
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS media (
            media_id TEXT NOT NULL PRIMARY KEY,
            owner_id TEXT NOT NULL,
            conversation_id TEXT NOT NULL,
            file_name TEXT NOT NULL,
            content_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            uploaded_at TEXT NULL
        );
        """;

    private readonly string _connectionString;
    private readonly CatalogSetup _setup;

    public SqliteMediaCatalog(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        DatabasePath = Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 10,
        }.ToString();
        _setup = new CatalogSetup(async ct =>
        {
            Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(ct).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = Schema;
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        });
    }

    public string DatabasePath { get; }

    public Task InitializeAsync(CancellationToken ct) => _setup.RunAsync(ct);

    public async Task AddAsync(MediaRecord record, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO media (media_id, owner_id, conversation_id, file_name, content_type, size, created_at, uploaded_at)
            VALUES ($id, $owner, $conversation, $fileName, $contentType, $size, $createdAt, $uploadedAt);
            """;
        command.Parameters.AddWithValue("$id", record.MediaId);
        command.Parameters.AddWithValue("$owner", record.OwnerId);
        command.Parameters.AddWithValue("$conversation", record.ConversationId);
        command.Parameters.AddWithValue("$fileName", record.FileName);
        command.Parameters.AddWithValue("$contentType", record.ContentType);
        command.Parameters.AddWithValue("$size", record.Size);
        command.Parameters.AddWithValue("$createdAt", Text(record.CreatedAt));
        command.Parameters.AddWithValue("$uploadedAt", record.UploadedAt is { } uploaded ? Text(uploaded) : DBNull.Value);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task<MediaRecord?> FindAsync(string mediaId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT media_id, owner_id, conversation_id, file_name, content_type, size, created_at, uploaded_at
            FROM media WHERE media_id = $id;
            """;
        command.Parameters.AddWithValue("$id", mediaId);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false)) return null;
        return new MediaRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
            reader.GetInt64(5), Parse(reader.GetString(6)), reader.IsDBNull(7) ? null : Parse(reader.GetString(7)));
    }

    public async Task<bool> MarkUploadedAsync(string mediaId, DateTimeOffset uploadedAt, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE media SET uploaded_at = COALESCE(uploaded_at, $uploadedAt) WHERE media_id = $id;
            """;
        command.Parameters.AddWithValue("$id", mediaId);
        command.Parameters.AddWithValue("$uploadedAt", Text(uploadedAt));
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        await _setup.RunAsync(ct).ConfigureAwait(false);
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        return connection;
    }

    private static string Text(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
