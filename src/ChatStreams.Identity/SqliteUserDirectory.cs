using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatStreams.Identity;

/// <summary>
/// Accounts in one SQLite file that every edge process on the machine opens. WAL lets readers run beside the one
/// writer, busy_timeout makes a writer wait for another process instead of failing, and the UNIQUE index on the
/// lower-cased username decides races for a name between processes.
/// </summary>
public sealed class SqliteUserDirectory : IUserDirectory, IDisposable
{
    public const int MaxSearchResults = 50;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS users (
            user_id TEXT NOT NULL PRIMARY KEY,
            username TEXT NOT NULL,
            username_normalized TEXT NOT NULL,
            display_name TEXT NOT NULL,
            display_name_normalized TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS users_username_normalized ON users (username_normalized);
        """;

    private const string AccountColumns = "user_id, username, display_name, password_hash, created_at";

    private readonly string _connectionString;
    private readonly ILogger _logger;
    private readonly OneTimeSetup _setup;

    public SqliteUserDirectory(IOptions<IdentityOptions> options, ILogger<SqliteUserDirectory>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Value.UsersDatabase);
        DatabasePath = Path.GetFullPath(options.Value.UsersDatabase);
        _logger = logger ?? NullLogger<SqliteUserDirectory>.Instance;
        _connectionString = SqliteFiles.ConnectionString(DatabasePath);
        _setup = new OneTimeSetup(CreateSchemaAsync);
    }

    public string DatabasePath { get; }

    /// <summary>Creates the folder, the file and the schema if missing. Safe to run from several processes at once.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken = default) => _setup.RunAsync(cancellationToken);

    public async Task<UserAccount?> TryRegisterAsync(UserAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        // Only a clash on the username is "taken"; any other constraint failure is a bug and must surface.
        command.CommandText = """
            INSERT INTO users (user_id, username, username_normalized, display_name, display_name_normalized, password_hash, created_at)
            VALUES ($id, $username, $usernameNormalized, $displayName, $displayNameNormalized, $hash, $createdAt)
            ON CONFLICT (username_normalized) DO NOTHING;
            """;
        command.Parameters.AddWithValue("$id", account.UserId);
        command.Parameters.AddWithValue("$username", account.Username);
        command.Parameters.AddWithValue("$usernameNormalized", UserAccount.NormalizeUsername(account.Username));
        command.Parameters.AddWithValue("$displayName", account.DisplayName);
        command.Parameters.AddWithValue("$displayNameNormalized", account.DisplayName.ToLowerInvariant());
        command.Parameters.AddWithValue("$hash", account.PasswordHash);
        command.Parameters.AddWithValue("$createdAt", account.CreatedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        var inserted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return inserted == 1 ? account : null;
    }

    public Task<UserAccount?> FindByUsernameAsync(string username, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        return FindOneAsync("username_normalized", UserAccount.NormalizeUsername(username), cancellationToken);
    }

    public Task<UserAccount?> FindByIdAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return FindOneAsync("user_id", userId, cancellationToken);
    }

    public async Task<IReadOnlyList<UserProfile>> SearchAsync(string query, int limit, CancellationToken cancellationToken = default)
    {
        var needle = (query ?? "").Trim().ToLowerInvariant();
        if (needle.Length == 0 || limit <= 0)
        {
            return [];
        }

        var escaped = EscapeLike(needle);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT user_id, username, display_name FROM users
            WHERE username_normalized LIKE $contains ESCAPE '\' OR display_name_normalized LIKE $contains ESCAPE '\'
            ORDER BY
                CASE
                    WHEN username_normalized = $exact THEN 0
                    WHEN username_normalized LIKE $prefix ESCAPE '\' THEN 1
                    WHEN display_name_normalized LIKE $prefix ESCAPE '\' THEN 2
                    ELSE 3
                END,
                username_normalized
            LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$contains", "%" + escaped + "%");
        command.Parameters.AddWithValue("$prefix", escaped + "%");
        command.Parameters.AddWithValue("$exact", needle);
        command.Parameters.AddWithValue("$limit", Math.Min(limit, MaxSearchResults));

        var profiles = new List<UserProfile>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            profiles.Add(new UserProfile(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return profiles;
    }

    public async Task<IReadOnlyDictionary<string, UserProfile>> GetProfilesAsync(
        IEnumerable<string> userIds, CancellationToken cancellationToken = default)
    {
        var lookup = new ProfileLookup(userIds);
        if (lookup.IsEmpty)
        {
            return lookup.Found;
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        foreach (var batch in lookup.Batches)
        {
            await using var command = connection.CreateCommand();
            var names = new string[batch.Length];
            for (var i = 0; i < batch.Length; i++)
            {
                names[i] = "$id" + i.ToString(CultureInfo.InvariantCulture);
                command.Parameters.AddWithValue(names[i], batch[i]);
            }

            command.CommandText = $"SELECT user_id, username, display_name FROM users WHERE user_id IN ({string.Join(", ", names)});";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                lookup.Add(new UserProfile(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        return lookup.Found;
    }

    public async Task<bool> UpdatePasswordHashAsync(string userId, string passwordHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentException.ThrowIfNullOrEmpty(passwordHash);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE users SET password_hash = $hash WHERE user_id = $id;";
        command.Parameters.AddWithValue("$hash", passwordHash);
        command.Parameters.AddWithValue("$id", userId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Closes pooled connections so the file can be moved or deleted.</summary>
    public void Dispose()
    {
        SqliteFiles.ClearPool(_connectionString);
        _setup.Dispose();
    }

    private async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        await SqliteFiles.CreateAsync(DatabasePath, _connectionString, Schema, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Accounts are stored in {UsersDatabase}", DatabasePath);
    }

    private async Task<UserAccount?> FindOneAsync(string column, string value, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AccountColumns} FROM users WHERE {column} = $value;";
        command.Parameters.AddWithValue("$value", value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new UserAccount(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetString(3),
            DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        return await OpenRawAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken) =>
        SqliteFiles.OpenAsync(_connectionString, cancellationToken);

    private static string EscapeLike(string text) =>
        text.Replace(@"\", @"\\", StringComparison.Ordinal)
            .Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal);
}
