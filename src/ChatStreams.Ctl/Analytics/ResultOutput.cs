using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace ChatStreams.Ctl.Analytics;

/// <summary>How `chatctl analytics` prints a result: a table for people, TSV (with a header) or JSON for scripts.</summary>
public static class ResultOutput
{
    public const string Table = "table";
    public const string Tsv = "tsv";
    public const string Json = "json";

    public static readonly string[] Formats = [Table, Tsv, Json];

    public static void Write(Sinks.Analytics.AnalyticsQueryResult result, string format, TextWriter output)
    {
        switch (format)
        {
            case Tsv: WriteTsv(result, output); break;
            case Json: WriteJson(result, output); break;
            default: WriteTable(result, output); break;
        }
    }

    /// <summary>A bordered table, numbers right-aligned, NULL shown as such; never wrapped (it goes to a pipe as often as to a terminal).</summary>
    private static void WriteTable(Sinks.Analytics.AnalyticsQueryResult result, TextWriter output)
    {
        var console = Output.PlainConsole.For(output);
        var table = new Table().Border(TableBorder.Rounded);
        for (var i = 0; i < result.Columns.Count; i++)
        {
            var numeric = result.Rows.Count > 0 && result.Rows.All(r => r[i] is null or long or double);
            table.AddColumn(new TableColumn(Markup.Escape(result.Columns[i].Name)) { Alignment = numeric ? Justify.Right : Justify.Left });
        }
        foreach (var row in result.Rows) table.AddRow(row.Select(v => (Spectre.Console.Rendering.IRenderable)new Text(Show(v))).ToArray());
        if (result.Columns.Count > 0) console.Write(table);
        output.WriteLine(result.Rows.Count == 1 ? "1 row" : $"{result.Rows.Count} rows");
    }

    private static void WriteTsv(Sinks.Analytics.AnalyticsQueryResult result, TextWriter output)
    {
        output.WriteLine(string.Join('\t', result.Columns.Select(c => EscapeTsv(c.Name))));
        foreach (var row in result.Rows) output.WriteLine(string.Join('\t', row.Select(v => v is null ? "" : EscapeTsv(Show(v)))));
    }

    /// <summary>An array of objects keyed by column name, values typed (numbers stay numbers, NULL is null).</summary>
    private static void WriteJson(Sinks.Analytics.AnalyticsQueryResult result, TextWriter output)
    {
        var rows = result.Rows.Select(r =>
        {
            var row = new Dictionary<string, object?>();
            for (var i = 0; i < result.Columns.Count; i++) row[result.Columns[i].Name] = r[i];
            return row;
        });
        output.WriteLine(JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    private static string Show(object? value) => value switch
    {
        null => "NULL",
        double d => d.ToString("0.######", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string EscapeTsv(string s) => s.Replace("\\", "\\\\").Replace("\t", "\\t").Replace("\n", "\\n").Replace("\r", "\\r");
}
