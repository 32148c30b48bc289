using System.Globalization;
using System.Text;

namespace ChatStreams.Sinks.Analytics.ClickHouse;

/// <summary>
/// Rows in ClickHouse's TabSeparated format: one line per row, tab between values, \N for NULL, and inside strings
/// backslash, tab, newline, carriage return and NUL escaped with a backslash (everything else, non-ASCII included, is
/// raw UTF-8). A whole table's rows go in one INSERT: 18.16 makes a part per insert, so row-by-row inserts are slow.
/// </summary>
public static class TabSeparated
{
    public static string Rows<T>(IEnumerable<T> rows, Func<T, object?[]> values)
    {
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            var v = values(row);
            for (var i = 0; i < v.Length; i++)
            {
                if (i > 0) text.Append('\t');
                Append(text, v[i]);
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    public static void Append(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null: text.Append("\\N"); break;
            case string s: Escape(text, s); break;
            case IFormattable f: text.Append(f.ToString(null, CultureInfo.InvariantCulture)); break;
            default: Escape(text, value.ToString() ?? ""); break;
        }
    }

    public static void Escape(StringBuilder text, string s)
    {
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': text.Append("\\\\"); break;
                case '\t': text.Append("\\t"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\0': text.Append("\\0"); break;
                default: text.Append(c); break;
            }
        }
    }
}
