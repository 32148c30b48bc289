using System.Text.Json;
using ChatStreams.TestSupport;
using Microsoft.Extensions.Configuration;

namespace ChatStreams.Ctl.Tests;

/// <summary>`chatctl analytics` in-process on a DuckDB file no sink holds: the output formats, errors and exit codes.</summary>
public sealed class AnalyticsCommandTests : IDisposable
{
    private const string PerConversation =
        "SELECT conversation_id, count(*) AS messages, sum(text_length) AS text_length, max(command_issued_at_ms) AS last_issued FROM messages " +
        "GROUP BY conversation_id ORDER BY conversation_id";

    private readonly TempDirectory _folder = new("chatctl");

    private string DatabasePath => _folder.Sub("analytics.duckdb");

    private async Task<(int Exit, string Output, string Error)> RunAsync(Dictionary<string, string?>? settings, params string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?> { ["Analytics:DuckDbPath"] = DatabasePath })
            .Build();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await ChatCtl.RunAsync(args, output, error, configuration, default);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_query_prints_an_aligned_table_with_a_row_count()
    {
        await AnalyticsFiles.WriteAsync(DatabasePath);
        var (exit, output, error) = await RunAsync(null, "analytics", PerConversation);
        Assert.True(exit == 0, error);
        var lines = output.TrimEnd().Split('\n');
        Assert.Equal(
        [
            "╭─────────────────┬──────────┬─────────────┬───────────────╮",
            "│ conversation_id │ messages │ text_length │   last_issued │",
            "├─────────────────┼──────────┼─────────────┼───────────────┤",
            "│ c-1             │        2 │          15 │ 1735732800990 │",
            "│ c-2             │        1 │           3 │ 1735732900980 │",
            "╰─────────────────┴──────────┴─────────────┴───────────────╯",
            "2 rows",
        ], lines.Select(l => l.TrimEnd('\r')));
    }

    [Fact]
    public async Task Tsv_has_a_header_escapes_text_and_leaves_null_empty()
    {
        await AnalyticsFiles.WriteAsync(DatabasePath);
        var (exit, output, _) = await RunAsync(null, "analytics", "SELECT conversation_id, title FROM conversations ORDER BY conversation_id", "--format", "tsv");
        Assert.Equal(0, exit);
        Assert.Equal("conversation_id\ttitle\nc-1\tTeam\\ttab\nc-2\t\n", output.Replace("\r\n", "\n"));
    }

    [Fact]
    public async Task Json_is_an_array_of_objects_with_typed_values()
    {
        await AnalyticsFiles.WriteAsync(DatabasePath);
        var (exit, output, _) = await RunAsync(null, "analytics", PerConversation + " LIMIT 1", "-f", "json");
        Assert.Equal(0, exit);
        var rows = JsonDocument.Parse(output).RootElement;
        Assert.Equal(1, rows.GetArrayLength());
        Assert.Equal("c-1", rows[0].GetProperty("conversation_id").GetString());
        Assert.Equal(2, rows[0].GetProperty("messages").GetInt64());
        Assert.Equal(JsonValueKind.Number, rows[0].GetProperty("text_length").ValueKind);
    }

    [Fact]
    public async Task Bad_sql_and_writes_fail_with_exit_1_and_say_why()
    {
        await AnalyticsFiles.WriteAsync(DatabasePath);
        var bad = await RunAsync(null, "analytics", "SELECT nope FROM messages");
        Assert.Equal(1, bad.Exit);
        Assert.Contains("nope", bad.Error);
        Assert.StartsWith("error: DuckDB refused the query", bad.Error);

        var write = await RunAsync(null, "analytics", "DROP TABLE messages");
        Assert.Equal(1, write.Exit);
        Assert.Contains("Only reading queries are allowed", write.Error);
        Assert.Equal(0, (await RunAsync(null, "analytics", "SELECT count(*) FROM messages")).Exit); // still there
    }

    [Fact]
    public async Task A_missing_store_or_bad_settings_fail_with_exit_1_and_what_to_do()
    {
        var missing = await RunAsync(null, "analytics", "SELECT 1");
        Assert.Equal(1, missing.Exit);
        Assert.Contains("chatstreams sink analytics", missing.Error);

        var unknown = await RunAsync(new() { ["Analytics:Store"] = "postgres" }, "analytics", "SELECT 1");
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("Analytics__Store 'postgres' is unknown", unknown.Error);

        var down = await RunAsync(new() { ["Analytics:Store"] = "clickhouse", ["Analytics:ClickHouseUrl"] = "http://127.0.0.1:1/" }, "analytics", "SELECT 1");
        Assert.Equal(1, down.Exit);
        Assert.Contains("127.0.0.1:1", down.Error);
        Assert.Contains("Analytics__ClickHouseUrl", down.Error);

        var endpoint = await RunAsync(new() { ["Analytics:QueryUrl"] = "http://127.0.0.1:1/" }, "analytics", "SELECT 1");
        Assert.Equal(1, endpoint.Exit);
        Assert.Contains("did not answer", endpoint.Error);
    }

    [Fact]
    public async Task Usage_errors_exit_with_2()
    {
        Assert.Equal(2, (await RunAsync(null, "analytics")).Exit);
        var format = await RunAsync(null, "analytics", "SELECT 1", "--format", "xml");
        Assert.Equal(2, format.Exit);
        Assert.Contains("xml", format.Error);
        Assert.Equal(2, (await RunAsync(null, "nonsense")).Exit);
    }

    public void Dispose() => _folder.Dispose();
}
