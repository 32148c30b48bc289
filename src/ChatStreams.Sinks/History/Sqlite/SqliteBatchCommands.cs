using Microsoft.Data.Sqlite;

namespace ChatStreams.Sinks.History.Sqlite;

/// <summary>The statements of one write transaction, each prepared once and run with new values per event.</summary>
internal sealed class SqliteBatchCommands(SqliteConnection connection, SqliteTransaction transaction) : IAsyncDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public async Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        await Prepare(sql, parameters).ExecuteNonQueryAsync(ct);

    public async Task<object?> ScalarAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        await Prepare(sql, parameters).ExecuteScalarAsync(ct);

    public async Task<List<(long Seq, byte[] Record)>> RecordsAsync(string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        var rows = new List<(long, byte[])>();
        await using var reader = await Prepare(sql, parameters).ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add((reader.GetInt64(0), (byte[])reader.GetValue(1)));
        return rows;
    }

    private SqliteCommand Prepare(string sql, (string Name, object? Value)[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            _commands[sql] = command;
        }
        command.Parameters.Clear();
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values) await command.DisposeAsync();
    }
}
