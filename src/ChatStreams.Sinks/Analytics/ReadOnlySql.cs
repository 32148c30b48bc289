namespace ChatStreams.Sinks.Analytics;

/// <summary>
/// The gate in front of ad-hoc analytics SQL: exactly one statement, and one that only reads (SELECT, WITH, FROM,
/// VALUES, DESCRIBE, SHOW, EXPLAIN, SUMMARIZE). The stores add their own guard behind it (DuckDB: a rolled-back
/// transaction and no file access; ClickHouse: readonly=1), so a statement this check misjudges still writes nothing.
/// </summary>
public static class ReadOnlySql
{
    private static readonly HashSet<string> ReadingKeywords =
        new(["SELECT", "WITH", "FROM", "VALUES", "DESCRIBE", "DESC", "SHOW", "EXPLAIN", "SUMMARIZE", "EXISTS"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The statement without a trailing semicolon; throws <see cref="AnalyticsQueryException"/> saying what is refused and why.</summary>
    /// <param name="backslashEscapes">
    /// Whether a backslash escapes a quote inside strings: true for ClickHouse, false for DuckDB (standard SQL). Getting
    /// this wrong would let "SELECT 'x\'; DROP ..." pass as one statement.
    /// </param>
    public static string Check(string sql, bool backslashEscapes = false)
    {
        var statement = SingleStatement(sql ?? "", backslashEscapes);
        var keyword = FirstKeyword(statement);
        if (keyword.Length == 0) throw new AnalyticsQueryException("The query is empty: give one SELECT statement, e.g. \"SELECT count(*) FROM messages\".");
        if (!ReadingKeywords.Contains(keyword))
            throw new AnalyticsQueryException(
                $"Only reading queries are allowed here, and this one starts with {keyword.ToUpperInvariant()}: the analytics tables are written by the " +
                "analytics sink alone. Use SELECT (or WITH/DESCRIBE/SHOW/EXPLAIN).");
        return statement;
    }

    /// <summary>Strips comments' effect on the split: finds a ';' outside quotes and comments that is followed by more SQL.</summary>
    private static string SingleStatement(string sql, bool backslashEscapes)
    {
        var end = -1;
        for (var i = 0; i < sql.Length; i++)
        {
            var c = sql[i];
            if (c is '\'' or '"' or '`') i = SkipQuoted(sql, i, c, backslashEscapes);
            else if (c == '-' && At(sql, i + 1) == '-') i = SkipTo(sql, i, "\n");
            else if (c == '/' && At(sql, i + 1) == '*') i = SkipTo(sql, i + 2, "*/") + 1;
            else if (c == ';')
            {
                end = i;
                var rest = sql[(i + 1)..];
                if (FirstKeyword(rest).Length > 0)
                    throw new AnalyticsQueryException("Give one statement at a time: the query has more SQL after a ';'.");
                break;
            }
        }
        return (end >= 0 ? sql[..end] : sql).Trim();
    }

    private static string FirstKeyword(string sql)
    {
        var i = 0;
        while (i < sql.Length)
        {
            if (char.IsWhiteSpace(sql[i]) || sql[i] == '(' || sql[i] == ';') i++;
            else if (sql[i] == '-' && At(sql, i + 1) == '-') i = SkipTo(sql, i, "\n") + 1;
            else if (sql[i] == '/' && At(sql, i + 1) == '*') i = SkipTo(sql, i + 2, "*/") + 2;
            else break;
        }
        var start = i;
        while (i < sql.Length && char.IsLetter(sql[i])) i++;
        return i > start ? sql[start..i] : i < sql.Length ? sql[i].ToString() : "";
    }

    private static char At(string s, int i) => i < s.Length ? s[i] : '\0';

    private static int SkipQuoted(string s, int start, char quote, bool backslashEscapes)
    {
        for (var i = start + 1; i < s.Length; i++)
        {
            if (s[i] == '\\' && backslashEscapes) i++;
            else if (s[i] == quote)
            {
                if (At(s, i + 1) == quote) i++; // a doubled quote is a quote
                else return i;
            }
        }
        return s.Length;
    }

    private static int SkipTo(string s, int start, string end)
    {
        var at = s.IndexOf(end, start, StringComparison.Ordinal);
        return at < 0 ? s.Length : at;
    }
}
