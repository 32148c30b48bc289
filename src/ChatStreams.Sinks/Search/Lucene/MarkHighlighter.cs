using Lucene.Net.Analysis;
using Lucene.Net.Search;
using Lucene.Net.Search.Highlight;

namespace ChatStreams.Sinks.Search.Lucene;

/// <summary>
/// The fragment shown for a hit: the best passage of the text (about <see cref="FragmentLength"/> characters) with
/// the query's terms in &lt;mark&gt;, everything else HTML-escaped. When only a file name matched, the file names
/// are highlighted instead; failing both, the start of the text is shown escaped.
/// </summary>
internal sealed class MarkHighlighter(Query query, Analyzer analyzer)
{
    public const int FragmentLength = 200;

    private readonly Highlighter _highlighter = new(new SimpleHTMLFormatter("<mark>", "</mark>"), new EscapingEncoder(), new QueryScorer(query))
    {
        TextFragmenter = new SimpleFragmenter(FragmentLength),
    };

    public string Fragment(IndexedMessage message) =>
        _highlighter.GetBestFragment(analyzer, LuceneFields.Text, message.Text)
        ?? (message.FileNames.Count > 0 ? _highlighter.GetBestFragment(analyzer, LuceneFields.FileNames, string.Join(", ", message.FileNames)) : null)
        ?? HtmlText.EscapedPrefix(message.Text, FragmentLength);

    private sealed class EscapingEncoder : IEncoder
    {
        public string EncodeText(string originalText) => HtmlText.Escape(originalText);
    }
}
