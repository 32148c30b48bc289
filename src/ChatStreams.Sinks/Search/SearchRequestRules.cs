namespace ChatStreams.Sinks.Search;

/// <summary>
/// The bounds every index applies the same way, so Lucene and Elasticsearch accept and refuse the same requests.
/// The bounds keep one query cheap: a page is small, deep paging is refused (rank-ordered pages past a thousand hits
/// are not what a person reads; refine the words instead), and the scope list is bounded by what one boolean query
/// may hold.
/// </summary>
public static class SearchRequestRules
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;
    public const int MaxOffset = 1000;
    public const int MaxQueryLength = 1000;
    public const int MaxScopes = 4000;

    /// <summary>Throws <see cref="InvalidSearchRequestException"/> naming every problem of the request.</summary>
    public static void Validate(SearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(request.Query))
            problems.Add("The search text is empty: type at least one word to search for.");
        else if (request.Query.Length > MaxQueryLength)
            problems.Add($"The search text is {request.Query.Length} characters long; at most {MaxQueryLength} are searched: shorten it to the words that matter.");
        if (request.Limit < 1)
            problems.Add($"limit is {request.Limit}; ask for at least 1 hit (at most {MaxLimit} per page).");
        if (request.Offset < 0)
            problems.Add($"offset is {request.Offset}; it counts hits to skip and starts at 0.");
        else if (request.Offset > MaxOffset)
            problems.Add($"offset {request.Offset} is past the {MaxOffset} best hits that can be paged through; add words to narrow the search.");
        if (request.Scopes is null)
            problems.Add("scopes are missing: pass the conversations and seq ranges the user may read (an empty list finds nothing).");
        else
        {
            if (request.Scopes.Count > MaxScopes)
                problems.Add($"{request.Scopes.Count} scopes are more than the {MaxScopes} one search can filter by; restrict the search to a conversation.");
            if (request.Scopes.FirstOrDefault(s => s is null || string.IsNullOrEmpty(s.ConversationId) || s.FromSeq < 0 || s.ToSeq < s.FromSeq) is { } bad)
                problems.Add($"scope {bad} is malformed: it needs a conversation id and 0 <= fromSeq <= toSeq.");
        }
        if (problems.Count > 0) throw new InvalidSearchRequestException(string.Join(" ", problems));
    }

    /// <summary>The page size actually used: the request's limit, capped.</summary>
    public static int Limit(SearchRequest request) => Math.Min(request.Limit, MaxLimit);

    /// <summary>The scopes the query filters by: all of them, or those of the one conversation asked for.</summary>
    public static IReadOnlyList<SearchScope> Scopes(SearchRequest request) => request.ConversationId is { } only
        ? request.Scopes.Where(s => string.Equals(s.ConversationId, only, StringComparison.Ordinal)).ToList()
        : request.Scopes;

    /// <summary>The next page's offset, or null when the hits end here (or paging would go past the bound).</summary>
    public static int? NextOffset(SearchRequest request, long totalHits)
    {
        var next = request.Offset + Limit(request);
        return next < totalHits && next <= MaxOffset ? next : null;
    }
}
