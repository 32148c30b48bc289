using System.Reflection;
using System.Text.RegularExpressions;

namespace ChatStreams.Sinks.Analytics.Migrations;

/// <summary>One numbered schema script of a dialect (embedded resource Migrations/&lt;dialect&gt;/NNNN_name.sql).</summary>
public sealed record AnalyticsMigration(int Version, string Name, IReadOnlyList<string> Statements);

/// <summary>
/// The versioned migrations of the analytics tables, read from the assembly's embedded scripts in version order. A
/// store applies the ones its schema_migrations table does not list yet, each once, in order; a newer release only
/// ever adds scripts with higher numbers.
/// </summary>
public static partial class AnalyticsMigrations
{
    public const string DuckDb = "duckdb";
    public const string ClickHouse = "clickhouse";

    private const string ResourcePrefix = "analytics-migrations/";

    public static IReadOnlyList<AnalyticsMigration> For(string dialect)
    {
        var assembly = typeof(AnalyticsMigrations).Assembly;
        var prefix = ResourcePrefix + dialect + "/";
        var migrations = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Select(n => Load(assembly, n, n[prefix.Length..]))
            .OrderBy(m => m.Version)
            .ToList();
        if (migrations.Count == 0) throw new InvalidOperationException($"No {dialect} analytics migrations are embedded in {assembly.GetName().Name}.");
        if (migrations.Select(m => m.Version).Distinct().Count() != migrations.Count)
            throw new InvalidOperationException($"Two {dialect} analytics migrations share a version number.");
        return migrations;
    }

    private static AnalyticsMigration Load(Assembly assembly, string resource, string fileName)
    {
        var match = FileName().Match(fileName);
        if (!match.Success) throw new InvalidOperationException($"Analytics migration '{fileName}' is not named NNNN_name.sql.");
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return new AnalyticsMigration(int.Parse(match.Groups[1].Value), match.Groups[2].Value, SplitStatements(reader.ReadToEnd()));
    }

    /// <summary>
    /// The statements of a script: ClickHouse's HTTP interface runs one per request. Scripts end each statement with a
    /// semicolon at the end of a line and keep semicolons out of strings and comments, which makes splitting safe.
    /// </summary>
    public static IReadOnlyList<string> SplitStatements(string script)
    {
        var withoutComments = string.Join('\n', script.Split('\n').Where(l => !l.TrimStart().StartsWith("--", StringComparison.Ordinal)));
        return withoutComments.Split(";\n").Select(s => s.Trim().TrimEnd(';').Trim()).Where(s => s.Length > 0).ToList();
    }

    [GeneratedRegex(@"^(\d{4})_([a-z0-9_]+)\.sql$")]
    private static partial Regex FileName();
}
