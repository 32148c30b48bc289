using ChatStreams.Media.Catalog;
using ChatStreams.TestSupport;

namespace ChatStreams.Media.Tests;

/// <summary>What every media catalog does; each implementation runs this suite.</summary>
public abstract class MediaCatalogContract
{
    protected abstract IMediaCatalog Catalog { get; }

    private static readonly DateTimeOffset Created = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    private static MediaRecord Record(string owner = "alice", string conversation = "c1") =>
        new(MediaRecord.NewId(), owner, conversation, "cat photo ü.png", "image/png", 12_345, Created);

    [ContractFact]
    public async Task A_record_reads_back_as_stored()
    {
        await Catalog.InitializeAsync(default);
        var record = Record();
        await Catalog.AddAsync(record, default);
        Assert.Equal(record, await Catalog.FindAsync(record.MediaId, default));
    }

    [ContractFact]
    public async Task An_unknown_id_is_not_found()
    {
        Assert.Null(await Catalog.FindAsync(MediaRecord.NewId(), default));
        Assert.False(await Catalog.MarkUploadedAsync(MediaRecord.NewId(), Created, default));
    }

    [ContractFact]
    public async Task The_first_upload_time_stays()
    {
        var record = Record();
        await Catalog.AddAsync(record, default);
        Assert.True(await Catalog.MarkUploadedAsync(record.MediaId, Created.AddMinutes(1), default));
        Assert.True(await Catalog.MarkUploadedAsync(record.MediaId, Created.AddMinutes(5), default));
        Assert.Equal(Created.AddMinutes(1), (await Catalog.FindAsync(record.MediaId, default))!.UploadedAt);
    }

    [ContractFact]
    public async Task An_id_cannot_be_stored_twice()
    {
        var record = Record();
        await Catalog.AddAsync(record, default);
        await Assert.ThrowsAnyAsync<Exception>(() => Catalog.AddAsync(record with { OwnerId = "mallory" }, default));
        Assert.Equal("alice", (await Catalog.FindAsync(record.MediaId, default))!.OwnerId);
    }

    [ContractFact]
    public async Task Records_are_independent()
    {
        var a = Record("alice", "c1");
        var b = Record("bob", "c2");
        await Catalog.AddAsync(a, default);
        await Catalog.AddAsync(b, default);
        await Catalog.MarkUploadedAsync(a.MediaId, Created, default);
        Assert.NotNull((await Catalog.FindAsync(a.MediaId, default))!.UploadedAt);
        Assert.Equal(b, await Catalog.FindAsync(b.MediaId, default));
    }
}

public sealed class SqliteMediaCatalogTests : MediaCatalogContract, IDisposable
{
    private readonly TempDirectory _folder = new("media-catalog", Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools);

    public SqliteMediaCatalogTests() => Catalog = new SqliteMediaCatalog(_folder.Sub("nested/catalog.db"));

    protected override IMediaCatalog Catalog { get; }

    [Fact]
    public async Task Two_catalogs_on_one_file_see_each_others_records()
    {
        var other = new SqliteMediaCatalog(_folder.Sub("nested/catalog.db"));
        var record = new MediaRecord(MediaRecord.NewId(), "alice", "c1", "a.pdf", "application/pdf", 1, DateTimeOffset.UnixEpoch);
        await Catalog.AddAsync(record, default);
        Assert.Equal(record, await other.FindAsync(record.MediaId, default));
    }

    public void Dispose() => _folder.Dispose();
}

[NeedsMongo]
public sealed class MongoMediaCatalogTests : MediaCatalogContract
{
    // A database of its own per test class instance, so runs never see each other's records.
    protected override IMediaCatalog Catalog { get; } = new MongoMediaCatalog(new MongoDB.Driver.MongoUrlBuilder(
        Environment.GetEnvironmentVariable(MongoFactAttribute.UrlVariable) ?? "mongodb://127.0.0.1:1")
    { DatabaseName = "chatstreams_media_test_" + Guid.NewGuid().ToString("N")[..8] }.ToString());
}
