using ChatStreams.Sinks.Analytics;
using ChatStreams.TestSupport;

namespace ChatStreams.Sinks.Tests.Analytics;

/// <summary>
/// The SQL examples of docs/analytics.md, read from the doc itself so it can never drift from the stores: every
/// fenced block tagged `sql` (both stores), `sql duckdb` or `sql clickhouse`, titled by the `###` heading above it.
/// The examples the scenario has known answers for carry a check of those answers.
/// </summary>
public static class AnalyticsDocExamples
{
    public sealed record Example(string Title, string Dialects, string Sql, Action<AnalyticsQueryResult>? Check);

    public static string DocPath => Path.Combine(RepositoryPaths.Root, "docs", "analytics.md");

    public static IReadOnlyList<Example> All()
    {
        var examples = new List<Example>();
        var title = "";
        string? dialects = null;
        var sql = new List<string>();
        foreach (var line in File.ReadLines(DocPath))
        {
            if (dialects is null)
            {
                if (line.StartsWith("### ", StringComparison.Ordinal)) title = line[4..].Trim();
                else if (line.StartsWith("```sql", StringComparison.Ordinal)) dialects = line[6..].Trim() is { Length: > 0 } d ? d : "both";
            }
            else if (line.StartsWith("```", StringComparison.Ordinal))
            {
                examples.Add(new Example(title, dialects, string.Join('\n', sql), Checks.GetValueOrDefault(title)));
                dialects = null;
                sql.Clear();
            }
            else sql.Add(line);
        }
        return examples;
    }

    public static IReadOnlyList<Example> For(string dialect) => [.. All().Where(e => e.Dialects == "both" || e.Dialects == dialect)];

    private static List<object?> Column(AnalyticsQueryResult result, string name)
    {
        var index = result.Columns.Select(c => c.Name).ToList().IndexOf(name);
        Assert.True(index >= 0, $"no column {name} in {string.Join(", ", result.Columns.Select(c => c.Name))}");
        return [.. result.Rows.Select(r => r[index])];
    }

    private static List<double> Numbers(AnalyticsQueryResult result, string name) => [.. Column(result, name).Select(Convert.ToDouble)];

    // What the scenario (AnalyticsScenario) must give for each documented question.
    private static readonly Dictionary<string, Action<AnalyticsQueryResult>> Checks = new()
    {
        ["Daily active users"] = r => Assert.Equal([3.0, 2.0], Numbers(r, "active_users")), // alice, bob, carol; then bob, dave
        ["Messages per conversation"] = r =>
        {
            Assert.Equal(["c-group", "c-direct"], Column(r, "conversation_id"));
            Assert.Equal([4.0, 2.0], Numbers(r, "messages"));
            Assert.Equal([1.0, 1.0], Numbers(r, "attachments_per_message"));
        },
        ["Delivery latency percentiles per hour"] = r =>
        {
            Assert.Equal([8.0, 2.0], Numbers(r, "deliveries")); // 4 group messages to 2 members each (one hour); 2 direct ones the next day
            Assert.All(Numbers(r, "p50_ms").Concat(Numbers(r, "p99_ms")), p => Assert.Equal(AnalyticsScenario.LatencyMs, p));
        },
        ["Read rates"] = r =>
        {
            Assert.Equal(["c-direct", "c-group"], Column(r, "conversation_id"));
            Assert.Equal([2.0, 8.0], Numbers(r, "delivered"));
            Assert.Equal([1.0, 5.0], Numbers(r, "read_count"));
            Assert.Equal([0.5, 0.625], Numbers(r, "read_share"));
            Assert.Equal(28.0, Numbers(r, "median_seconds_to_read")[0]); // dave read seq 2 (sent at +2 s) at +30 s
        },
        ["Presence time per user"] = r =>
        {
            Assert.Equal(["alice", "bob"], Column(r, "user_id"));
            Assert.Equal([60.0, 30.0], Numbers(r, "online_seconds"));
            Assert.Equal([1.0, 0.0], Numbers(r, "open_sessions"));
        },
        ["Edited and deleted messages per conversation"] = r =>
        {
            Assert.Equal(["c-group"], Column(r, "conversation_id"));
            Assert.Equal([1.0], Numbers(r, "edited_messages"));
            Assert.Equal([1.0], Numbers(r, "deleted_messages"));
            Assert.Equal([1.0], Numbers(r, "reactions_added"));
        },
    };
}
