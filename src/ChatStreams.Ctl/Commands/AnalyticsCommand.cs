using System.CommandLine;
using ChatStreams.Ctl.Analytics;
using ChatStreams.Sinks.Analytics;

namespace ChatStreams.Ctl.Commands;

/// <summary>
/// `chatctl analytics "&lt;sql&gt;" [--format table|tsv|json]`: one read-only query against the analytics store the
/// Analytics__* settings name (docs/analytics.md has the tables and ready queries).
/// </summary>
public static class AnalyticsCommand
{
    public static Command Create(CtlContext context)
    {
        var sql = new Argument<string>("sql") { Description = "One read-only SQL statement, e.g. \"SELECT count(*) FROM messages\" (tables: docs/analytics.md)" };
        var format = new Option<string>("--format", "-f") { Description = "Output: table (default), tsv (with a header) or json", DefaultValueFactory = _ => ResultOutput.Table };
        format.AcceptOnlyFromAmong(ResultOutput.Formats);
        var verbose = new Option<bool>("--verbose") { Description = "Say which store answered" };
        var command = new Command("analytics", "Query the analytics tables (DuckDB file, the running analytics sink, or ClickHouse)") { sql, format, verbose };
        command.SetAction(async (parse, ct) =>
        {
            var options = CtlConfiguration.Bind<AnalyticsStoreOptions>(context.Configuration, AnalyticsStoreOptions.Section);
            try
            {
                await using var target = await AnalyticsTarget.ResolveAsync(options, ct);
                if (parse.GetValue(verbose)) await context.Error.WriteLineAsync($"querying {target.Description}");
                var result = await target.QueryAsync(parse.GetValue(sql)!, ct);
                ResultOutput.Write(result, parse.GetValue(format)!, context.Output);
                return ChatCtl.Ok;
            }
            catch (Exception e) when (e is AnalyticsQueryException or Sinks.Analytics.ClickHouse.ClickHouseException or InvalidOperationException)
            {
                await context.Error.WriteLineAsync($"error: {e.Message}");
                return ChatCtl.Failed;
            }
        });
        return command;
    }
}
