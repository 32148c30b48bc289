namespace ChatStreams.Sinks.Search;

/// <summary>One page of hits, best first.</summary>
/// <param name="TotalHits">How many readable messages match in all (the index's count, for "about N results").</param>
/// <param name="NextOffset">The offset of the next page, or null when this is the last one.</param>
public sealed record SearchResults(IReadOnlyList<SearchHit> Hits, long TotalHits, int? NextOffset)
{
    public static readonly SearchResults None = new([], 0, null);
}

/// <summary>
/// A message that matched, as it reads now (after its last edit).
/// </summary>
/// <param name="Highlight">
/// A fragment of the text (or, when only a file name matched, of the file names) with the matched words wrapped in
/// &lt;mark&gt;…&lt;/mark&gt; and everything else HTML-escaped, so a client can insert it as HTML as it is.
/// </param>
/// <param name="Score">Relevance; only the order between hits of one answer means anything.</param>
public sealed record SearchHit(
    string ConversationId,
    long Seq,
    string MessageId,
    string SenderId,
    DateTime SentAt,
    string Text,
    IReadOnlyList<string> FileNames,
    bool Edited,
    string Highlight,
    double Score);
