using chatstreams.v1;

namespace ChatStreams.Sinks.Search;

/// <summary>
/// What the edges ask: the messages matching a query among those the asking user may read. Every answer is limited
/// to <see cref="SearchRequest.Scopes"/> inside the index query itself, so ranking, limits and paging only ever see
/// readable messages.
/// </summary>
public interface ISearchReader
{
    /// <summary>
    /// Ranked hits, best first. Throws <see cref="InvalidSearchRequestException"/> for a request that can never be
    /// answered (blank or overlong text, bad paging or scopes); any other exception means the index is unreachable.
    /// </summary>
    Task<SearchResults> SearchAsync(SearchRequest request, CancellationToken ct);
}

/// <summary>
/// The index the search sink writes: one document per message (conversation, seq) holding its current text and the
/// file names of its attachments. <see cref="ApplyAsync"/> is durable when it returns and idempotent: each
/// conversation's events are applied in seq order, and the index keeps per conversation the last seq applied, so a
/// batch replayed after a crash, or any suffix of a conversation replayed, changes nothing (an old MessageSent never
/// brings back text that was edited or deleted). An edit replaces the text; a deletion removes the message for good.
/// A write is searchable when ApplyAsync returns.
/// </summary>
public interface ISearchIndex : ISearchReader
{
    /// <summary>Creates the index (folder, mappings) when missing; harmless when it exists.</summary>
    Task InitializeAsync(CancellationToken ct);

    Task ApplyAsync(IReadOnlyList<ChatEvent> events, CancellationToken ct);
}
