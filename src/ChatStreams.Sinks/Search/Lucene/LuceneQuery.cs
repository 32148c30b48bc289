using Lucene.Net.Index;
using Lucene.Net.Search;

namespace ChatStreams.Sinks.Search.Lucene;

/// <summary>
/// A search request as a Lucene query. The user's text never goes through a query parser: it is split into terms
/// by the index's own analyzer and every term is required (in the text or a file name), so operators, quotes,
/// wildcards and brackets are just characters and nothing a user types can make the query fail. The scopes become
/// the filter of the same search, so ranking and paging only ever see readable messages.
/// </summary>
internal static class LuceneQuery
{
    static LuceneQuery()
    {
        // Each scope is one clause of the filter; the default of 1024 would refuse a user in many conversations.
        BooleanQuery.MaxClauseCount = Math.Max(BooleanQuery.MaxClauseCount, SearchRequestRules.MaxScopes + SearchRequestRules.MaxQueryLength);
    }

    /// <summary>
    /// Every word of the text required, each in the message text or in a file name (where it may split further, as
    /// "plan.pdf" does into "plan" and "pdf"); null when the text has no searchable word.
    /// </summary>
    public static Query? Words(string text, ChatTextAnalyzer analyzer)
    {
        var terms = analyzer.Terms(text);
        if (terms.Count == 0) return null;
        var query = new BooleanQuery();
        foreach (var term in terms)
        {
            var inFileName = new BooleanQuery();
            foreach (var part in analyzer.Terms(term, LuceneFields.FileNames))
                inFileName.Add(new TermQuery(new Term(LuceneFields.FileNames, part)), Occur.MUST);
            query.Add(new BooleanQuery
            {
                { new TermQuery(new Term(LuceneFields.Text, term)), Occur.SHOULD },
                { inFileName, Occur.SHOULD },
            }, Occur.MUST);
        }
        return query;
    }

    /// <summary>
    /// Message documents inside one of the scopes. A scope over a whole conversation (the usual member) is just its
    /// conversation term; a partial one adds a seq range checked against the seq doc values per candidate document.
    /// A numeric trie range up to long.MaxValue would enumerate hundreds of terms per scope, which made a search over a
    /// few dozen conversations ten times slower.
    /// </summary>
    public static Filter Readable(IReadOnlyList<SearchScope> scopes)
    {
        var anyScope = new BooleanQuery();
        foreach (var scope in scopes)
        {
            var conversation = new TermQuery(new Term(LuceneFields.ConversationId, scope.ConversationId));
            if (scope.FromSeq <= 1 && scope.ToSeq == long.MaxValue)
            {
                anyScope.Add(conversation, Occur.SHOULD);
                continue;
            }
            anyScope.Add(new BooleanQuery
            {
                { conversation, Occur.MUST },
                { new ConstantScoreQuery(FieldCacheRangeFilter.NewInt64Range(LuceneFields.Seq, scope.FromSeq, scope.ToSeq, true, true)), Occur.MUST },
            }, Occur.SHOULD);
        }
        return new QueryWrapperFilter(new BooleanQuery
        {
            { new TermQuery(new Term(LuceneFields.Kind, LuceneFields.MessageKind)), Occur.MUST },
            { anyScope, Occur.MUST },
        });
    }
}
