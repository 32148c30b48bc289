namespace ChatStreams.Sinks.Analytics;

/// <summary>
/// String literals for the stores' own lookup queries (IN lists of ids from the batch). DuckDB follows standard SQL
/// (a quote is doubled, a backslash is a character); ClickHouse treats a backslash as an escape.
/// </summary>
internal static class SqlLiterals
{
    public static string DuckDb(string value) => "'" + value.Replace("'", "''") + "'";

    public static string ClickHouse(string value) => "'" + value.Replace("\\", "\\\\").Replace("'", "\\'") + "'";

    public static string List(IEnumerable<string> values, Func<string, string> literal) => string.Join(", ", values.Distinct().Select(literal));
}
