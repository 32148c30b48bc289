using Lucene.Net.Analysis;
using Lucene.Net.Analysis.CharFilters;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace ChatStreams.Sinks.Search.Lucene;

/// <summary>
/// How message text becomes search terms: Unicode word boundaries (the standard tokenizer: "don't", "e-mail",
/// "report.pdf" split as people expect, URLs and numbers kept), lower case, accents folded to ASCII ("Café" is found
/// by "cafe"). No stemming and no stop words: chat is short, multilingual and full of names, so a stemmer for one
/// language does more harm than good, and a stop-word list would make "to be or not to be" unsearchable. It is the
/// same chain as the Elasticsearch adapter's analyzer (standard tokenizer + lowercase + asciifolding), so both
/// indexes find the same messages for the same words. File names first have '.' and '_' turned into '-' (a word
/// break): the standard tokenizer keeps "plan.pdf" and "q3_report" whole, but a user looks for "plan" or "report".
/// </summary>
public sealed class ChatTextAnalyzer : Analyzer
{
    internal const LuceneVersion Version = LuceneVersion.LUCENE_48;

    /// <summary>What splits a file name into words besides what splits text (the Elasticsearch analyzer maps the same).</summary>
    public static readonly string[] FileNameSeparatorChars = [".", "_"];

    // Declared after the characters it maps: static fields initialize in order.
    private static readonly NormalizeCharMap FileNameSeparators = BuildFileNameSeparators();

    private static NormalizeCharMap BuildFileNameSeparators()
    {
        var map = new NormalizeCharMap.Builder();
        foreach (var separator in FileNameSeparatorChars) map.Add(separator, "-");
        return map.Build();
    }

    // A char filter keeps the original offsets, so highlights of a file name mark the name as it was written.
    protected override TextReader InitReader(string fieldName, TextReader reader) =>
        fieldName == LuceneFields.FileNames ? new MappingCharFilter(FileNameSeparators, reader) : reader;

    protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
    {
        var tokenizer = new StandardTokenizer(Version, reader);
        TokenStream stream = new LowerCaseFilter(Version, tokenizer);
        stream = new ASCIIFoldingFilter(stream);
        return new TokenStreamComponents(tokenizer, stream);
    }

    /// <summary>The distinct terms of a text as the field analyzes it, in order of first appearance: what a query searches for.</summary>
    public IReadOnlyList<string> Terms(string text, string field = LuceneFields.Text)
    {
        var terms = new List<string>();
        using var stream = GetTokenStream(field, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            var value = term.ToString();
            if (!terms.Contains(value, StringComparer.Ordinal)) terms.Add(value);
        }
        stream.End();
        return terms;
    }
}
