using chatstreams.v1;

namespace ChatStreams.Sinks.Search;

/// <summary>Lands a batch of message events in the search index (durable and idempotent, see <see cref="ISearchIndex"/>).</summary>
public sealed class SearchSinkWriter(ISearchIndex index) : ISinkWriter<ChatEvent>
{
    public const string SinkName = "search";

    public Task WriteAsync(IReadOnlyList<ChatEvent> batch, CancellationToken ct) => index.ApplyAsync(batch, ct);
}
