using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace ChatStreams.Identity.Keys;

/// <summary>
/// The key directory in the accounts' SQLite file (tables <c>device_keys</c> and <c>one_time_prekeys</c>). A claim
/// deletes one prekey with a single <c>DELETE ... RETURNING</c> statement, so two edges claiming at once never get
/// the same one: SQLite runs one writer at a time, across processes.
/// </summary>
public sealed class SqliteDeviceKeyDirectory : IDeviceKeyDirectory, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS device_keys (
            user_id TEXT NOT NULL,
            device_id TEXT NOT NULL,
            identity_key BLOB NOT NULL,
            identity_dh_key BLOB NOT NULL,
            identity_dh_signature BLOB NOT NULL,
            signed_prekey_id INTEGER NOT NULL,
            signed_prekey BLOB NOT NULL,
            signed_prekey_signature BLOB NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (user_id, device_id)
        );
        CREATE TABLE IF NOT EXISTS one_time_prekeys (
            user_id TEXT NOT NULL,
            device_id TEXT NOT NULL,
            key_id INTEGER NOT NULL,
            public_key BLOB NOT NULL,
            PRIMARY KEY (user_id, device_id, key_id)
        );
        """;

    private const string IdentityColumns = "user_id, device_id, identity_key, identity_dh_key, identity_dh_signature, updated_at";

    private readonly string _connectionString;
    private readonly OneTimeSetup _setup;

    public SqliteDeviceKeyDirectory(IOptions<IdentityOptions> options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Value.UsersDatabase);
        DatabasePath = Path.GetFullPath(options.Value.UsersDatabase);
        _connectionString = SqliteFiles.ConnectionString(DatabasePath);
        _setup = new OneTimeSetup(CreateSchemaAsync);
    }

    public string DatabasePath { get; }

    public async Task<int> PublishAsync(DeviceKeyUpload upload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var identity = upload.Identity;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        var stored = await FindIdentityAsync(connection, transaction, identity.UserId, identity.DeviceId, cancellationToken).ConfigureAwait(false);
        if (stored is not null && !stored.SameKeysAs(identity))
        {
            await using var drop = Command(connection, transaction, "DELETE FROM one_time_prekeys WHERE user_id = $user AND device_id = $device;", identity.UserId, identity.DeviceId);
            await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var upsert = Command(connection, transaction, """
            INSERT INTO device_keys (user_id, device_id, identity_key, identity_dh_key, identity_dh_signature, signed_prekey_id, signed_prekey, signed_prekey_signature, updated_at)
            VALUES ($user, $device, $identity, $identityDh, $identityDhSignature, $prekeyId, $prekey, $prekeySignature, $updated)
            ON CONFLICT (user_id, device_id) DO UPDATE SET
                identity_key = excluded.identity_key, identity_dh_key = excluded.identity_dh_key,
                identity_dh_signature = excluded.identity_dh_signature, signed_prekey_id = excluded.signed_prekey_id,
                signed_prekey = excluded.signed_prekey, signed_prekey_signature = excluded.signed_prekey_signature,
                updated_at = excluded.updated_at;
            """, identity.UserId, identity.DeviceId))
        {
            upsert.Parameters.AddWithValue("$identity", identity.IdentityKey);
            upsert.Parameters.AddWithValue("$identityDh", identity.IdentityDhKey);
            upsert.Parameters.AddWithValue("$identityDhSignature", identity.IdentityDhSignature);
            upsert.Parameters.AddWithValue("$prekeyId", upload.SignedPrekey.KeyId);
            upsert.Parameters.AddWithValue("$prekey", upload.SignedPrekey.PublicKey);
            upsert.Parameters.AddWithValue("$prekeySignature", upload.SignedPrekey.Signature);
            upsert.Parameters.AddWithValue("$updated", identity.UpdatedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await InsertPrekeysAsync(connection, transaction, identity.UserId, identity.DeviceId, upload.OneTimePrekeys, cancellationToken).ConfigureAwait(false);
        var count = await CountAsync(connection, transaction, identity.UserId, identity.DeviceId, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    public async Task<int?> AddOneTimePrekeysAsync(string userId, string deviceId, IReadOnlyList<OneTimePrekey> prekeys, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (await FindIdentityAsync(connection, transaction, userId, deviceId, cancellationToken).ConfigureAwait(false) is null) return null;
        await InsertPrekeysAsync(connection, transaction, userId, deviceId, prekeys, cancellationToken).ConfigureAwait(false);
        var count = await CountAsync(connection, transaction, userId, deviceId, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    public async Task<int?> CountOneTimePrekeysAsync(string userId, string deviceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        if (await FindIdentityAsync(connection, null, userId, deviceId, cancellationToken).ConfigureAwait(false) is null) return null;
        return await CountAsync(connection, null, userId, deviceId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DeviceIdentity>> ListDevicesAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"SELECT {IdentityColumns} FROM device_keys WHERE user_id = $user ORDER BY device_id;", userId, "");
        var devices = new List<DeviceIdentity>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) devices.Add(ReadIdentity(reader));
        return devices;
    }

    public async Task<PrekeyBundle?> ClaimBundleAsync(string userId, string deviceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default): the write lock is held from the start, so the read below sees the device the claim was made on.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        OneTimePrekey? oneTime = null;
        await using (var claim = Command(connection, transaction, """
            DELETE FROM one_time_prekeys WHERE rowid = (
                SELECT rowid FROM one_time_prekeys WHERE user_id = $user AND device_id = $device ORDER BY key_id LIMIT 1)
            RETURNING key_id, public_key;
            """, userId, deviceId))
        await using (var reader = await claim.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                oneTime = new OneTimePrekey(reader.GetInt64(0), (byte[])reader[1]);
        }

        await using var read = Command(connection, transaction,
            $"SELECT {IdentityColumns}, signed_prekey_id, signed_prekey, signed_prekey_signature FROM device_keys WHERE user_id = $user AND device_id = $device;",
            userId, deviceId);
        PrekeyBundle? bundle = null;
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                bundle = new PrekeyBundle(ReadIdentity(reader), new SignedPrekey(reader.GetInt64(6), (byte[])reader[7], (byte[])reader[8]), oneTime);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return bundle;
    }

    public async Task<bool> RemoveDeviceAsync(string userId, string deviceId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var prekeys = Command(connection, transaction, "DELETE FROM one_time_prekeys WHERE user_id = $user AND device_id = $device;", userId, deviceId);
        await prekeys.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await using var device = Command(connection, transaction, "DELETE FROM device_keys WHERE user_id = $user AND device_id = $device;", userId, deviceId);
        var removed = await device.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return removed;
    }

    public void Dispose()
    {
        SqliteFiles.ClearPool(_connectionString);
        _setup.Dispose();
    }

    private Task CreateSchemaAsync(CancellationToken cancellationToken) =>
        SqliteFiles.CreateAsync(DatabasePath, _connectionString, Schema, cancellationToken);

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _setup.RunAsync(cancellationToken).ConfigureAwait(false);
        return await SqliteFiles.OpenAsync(_connectionString, cancellationToken).ConfigureAwait(false);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, string userId, string deviceId)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$device", deviceId);
        return command;
    }

    private static async Task<DeviceIdentity?> FindIdentityAsync(SqliteConnection connection, SqliteTransaction? transaction, string userId, string deviceId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"SELECT {IdentityColumns} FROM device_keys WHERE user_id = $user AND device_id = $device;", userId, deviceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadIdentity(reader) : null;
    }

    private static async Task InsertPrekeysAsync(SqliteConnection connection, SqliteTransaction transaction, string userId, string deviceId,
        IReadOnlyList<OneTimePrekey> prekeys, CancellationToken cancellationToken)
    {
        await using var insert = Command(connection, transaction,
            "INSERT INTO one_time_prekeys (user_id, device_id, key_id, public_key) VALUES ($user, $device, $keyId, $key) ON CONFLICT DO NOTHING;",
            userId, deviceId);
        var keyId = insert.Parameters.Add("$keyId", SqliteType.Integer);
        var key = insert.Parameters.Add("$key", SqliteType.Blob);
        foreach (var prekey in prekeys)
        {
            keyId.Value = prekey.KeyId;
            key.Value = prekey.PublicKey;
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<int> CountAsync(SqliteConnection connection, SqliteTransaction? transaction, string userId, string deviceId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT COUNT(*) FROM one_time_prekeys WHERE user_id = $user AND device_id = $device;", userId, deviceId);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static DeviceIdentity ReadIdentity(SqliteDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), (byte[])reader[2], (byte[])reader[3], (byte[])reader[4],
        DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
}
