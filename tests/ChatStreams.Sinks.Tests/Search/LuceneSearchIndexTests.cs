using ChatStreams.Sinks.Search;
using ChatStreams.Sinks.Search.Lucene;
using ChatStreams.Sinks.Tests.Support;
using ChatStreams.TestSupport;

namespace ChatStreams.Sinks.Tests.Search;

/// <summary>
/// The <see cref="SearchIndexContract"/> on the embedded Lucene index, plus what is particular to it: readers in
/// other processes (a reader-only instance on the same folder), the write lock, and reopening from disk.
/// </summary>
public sealed class LuceneSearchIndexTests : SearchIndexContract, IDisposable
{
    private readonly TempDirectory _folder = new("search-index");
    private readonly List<IDisposable> _open = [];
    private int _indexes;

    protected override async Task<ISearchIndex> CreateIndexAsync() => await OpenAsync(_folder.Sub($"nested/index-{++_indexes}"));

    private async Task<LuceneSearchIndex> OpenAsync(string path)
    {
        var index = Track(new LuceneSearchIndex(path));
        await index.InitializeAsync(default);
        return index;
    }

    private T Track<T>(T disposable) where T : IDisposable
    {
        _open.Add(disposable);
        return disposable;
    }

    private static SearchRequest Ask(string query, string conversationId = "c1") => new(query, [SearchScope.Member(conversationId, 1)]);

    [Fact]
    public async Task A_reader_only_instance_sees_each_write_once_it_is_committed()
    {
        var path = _folder.Sub("shared");
        var writer = await OpenAsync(path);
        var reader = Track(new LuceneSearchReader(path));
        var c = new ChatEvents("c1");
        await writer.ApplyAsync([c.Created("alice", ["alice"]), c.Sent("alice", "first words")], default);
        Assert.Single((await reader.SearchAsync(Ask("first"), default)).Hits);

        // Without reopening: the next search picks up the next commit.
        await writer.ApplyAsync([c.Sent("alice", "second words"), c.Edited("alice", 2, "rewritten")], default);
        Assert.Equal([3L], (await reader.SearchAsync(Ask("words"), default)).Hits.Select(h => h.Seq));
        Assert.Equal("rewritten", Assert.Single((await reader.SearchAsync(Ask("rewritten"), default)).Hits).Text);
    }

    [Fact]
    public async Task A_reader_never_takes_the_write_lock_and_a_second_writer_is_refused_with_a_clear_message()
    {
        var path = _folder.Sub("locked");
        var reader = Track(new LuceneSearchReader(path));
        Assert.Empty((await reader.SearchAsync(Ask("anything"), default)).Hits); // no index yet: nothing, and nothing created
        Assert.False(Directory.Exists(path));

        var writer = await OpenAsync(path); // the reader holds no lock that could stop the writer
        var c = new ChatEvents("c1");
        await writer.ApplyAsync([c.Created("alice", ["alice"]), c.Sent("alice", "visible now")], default);
        Assert.Single((await reader.SearchAsync(Ask("visible"), default)).Hits);
        Assert.Single((await Track(new LuceneSearchReader(path)).SearchAsync(Ask("visible"), default)).Hits);

        var second = Track(new LuceneSearchIndex(path));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => second.InitializeAsync(default));
        Assert.Contains(nameof(LuceneSearchReader), refused.Message, StringComparison.Ordinal);
        Assert.Contains(Path.GetFullPath(path), refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reopened_from_disk_the_index_keeps_its_messages_and_watermarks()
    {
        var path = _folder.Sub("reopened");
        var c = new ChatEvents("c1");
        var created = c.Created("alice", ["alice"]);
        var sent = c.Sent("alice", "gone for good");
        using (var first = new LuceneSearchIndex(path))
        {
            await first.ApplyAsync([created, sent, c.Sent("alice", "still here"), c.Deleted("alice", 2)], default);
        }

        var second = await OpenAsync(path);
        await second.ApplyAsync([created, sent], default); // redelivered after a restart
        Assert.Empty((await second.SearchAsync(Ask("gone"), default)).Hits);
        Assert.Single((await second.SearchAsync(Ask("still"), default)).Hits);
    }

    public void Dispose()
    {
        foreach (var open in Enumerable.Reverse(_open)) open.Dispose();
        _folder.Dispose();
    }
}
