namespace ChatStreams.Sinks.Search;

/// <summary>
/// One search: the words to find, the parts of conversations the user may read, and which page of the ranked hits.
/// The text is taken as plain words (no operators, quotes or wildcards); every word must occur in the message's
/// text or in one of its attachments' file names, matched case- and accent-insensitively.
/// </summary>
/// <param name="Query">What the user typed; at most <see cref="SearchRequestRules.MaxQueryLength"/> characters.</param>
/// <param name="Scopes">The (conversation, seq range) parts the user may read, computed from the history store's
/// membership ranges; none means nothing is found.</param>
public sealed record SearchRequest(string Query, IReadOnlyList<SearchScope> Scopes)
{
    /// <summary>Only this conversation (still limited to the scopes); null searches every scope.</summary>
    public string? ConversationId { get; init; }

    /// <summary>Hits per page; more than <see cref="SearchRequestRules.MaxLimit"/> is capped to it.</summary>
    public int Limit { get; init; } = SearchRequestRules.DefaultLimit;

    /// <summary>Hits to skip (the previous pages'); <see cref="SearchResults.NextOffset"/> gives the next page's.</summary>
    public int Offset { get; init; }
}

/// <summary>
/// Seqs <paramref name="FromSeq"/> to <paramref name="ToSeq"/> (both included) of a conversation the user may read:
/// one membership from join to leave; <see cref="long.MaxValue"/> as ToSeq for a current member.
/// </summary>
public sealed record SearchScope(string ConversationId, long FromSeq, long ToSeq)
{
    /// <summary>A current member's whole view from their join on.</summary>
    public static SearchScope Member(string conversationId, long fromSeq) => new(conversationId, fromSeq, long.MaxValue);
}
