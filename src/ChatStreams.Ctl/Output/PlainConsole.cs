using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace ChatStreams.Ctl.Output;

/// <summary>
/// Where chatctl prints: Spectre tables without colour or wrapping (output goes to a pipe as often as to a terminal),
/// and indented camelCase JSON for --json.
/// </summary>
public static class PlainConsole
{
    public static IAnsiConsole For(TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 100_000;
        return console;
    }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void WriteJson<T>(TextWriter output, T value) => output.WriteLine(JsonSerializer.Serialize(value, Json));

    public static Table NewTable(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var c in columns) table.AddColumn(new TableColumn(Markup.Escape(c)));
        return table;
    }

    public static void AddCells(this Table table, params object?[] cells) =>
        table.AddRow(cells.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(c switch
        {
            null => "-",
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => c.ToString() ?? "",
        })).ToArray());
}
