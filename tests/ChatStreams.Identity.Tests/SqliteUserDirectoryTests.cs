using Microsoft.Data.Sqlite;

namespace ChatStreams.Identity.Tests;

/// <summary>The <see cref="UserDirectoryContract{TDirectory}"/> on a SQLite file in a folder of its own, plus the file's settings.</summary>
public sealed class SqliteUserDirectoryTests : UserDirectoryContract<SqliteUserDirectory>
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task File_UsesWalAndIsCreatedWithItsFolder()
    {
        await Users.InitializeAsync();
        Assert.True(File.Exists(Users.DatabasePath));

        await using var connection = new SqliteConnection($"Data Source={Users.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }

    // The folder does not exist yet: the directory must create it.
    protected override SqliteUserDirectory Open() =>
        new(TestOptions.Wrap(new IdentityOptions { UsersDatabase = _folder.File("missing", "folder", "users.db") }));

    protected override Task DeleteStoreAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }
}
