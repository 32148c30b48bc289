using ChatStreams.Sinks.Analytics.Query;
using ChatStreams.TestSupport;

namespace ChatStreams.Ctl.Tests;

/// <summary>
/// chatctl as a process against a DuckDB file that a real `chatstreams sink analytics` process holds (DuckDB then
/// lets no other process open it): chatctl finds the sink's query endpoint through the URL file and gets answers;
/// without an endpoint it says the file is held and what to do; after the sink is killed it opens the file itself.
/// </summary>
public sealed class AnalyticsWhileSinkRunsTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _folder = new("chatctl-sink");

    private string DatabasePath => _folder.Sub("analytics.duckdb");

    private Dictionary<string, string> SinkEnvironment(int queryPort) => new()
    {
        // No Kafka answers there: the sink still opens its store and serves queries while it waits for the broker.
        ["Kafka__BootstrapServers"] = "127.0.0.1:1",
        ["SchemaRegistry__Url"] = "http://127.0.0.1:1",
        ["Analytics__DuckDbPath"] = DatabasePath,
        ["Analytics__QueryPort"] = queryPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private async Task<(int Exit, string Output, string Error)> ChatCtlAsync(params string[] args)
    {
        using var chatctl = ProgramProcess.Start("ChatStreams.Ctl", "chatctl.dll", args, new Dictionary<string, string> { ["Analytics__DuckDbPath"] = DatabasePath });
        var exit = await chatctl.WaitForExitAsync(Timeout);
        return (exit, chatctl.Stdout, chatctl.Stderr);
    }

    [Fact]
    public async Task Chatctl_queries_through_the_sinks_endpoint_while_the_sink_holds_the_file()
    {
        await AnalyticsFiles.WriteAsync(DatabasePath);
        using (var sink = ProgramProcess.Start("ChatStreams.Host", "chatstreams.dll", ["sink", "analytics"], SinkEnvironment(0)))
        {
            await sink.WaitForLineAsync(l => l.StartsWith("sink analytics running", StringComparison.Ordinal), Timeout);
            Assert.True(File.Exists(AnalyticsQueryEndpoint.UrlFile(DatabasePath)));

            var (exit, output, error) = await ChatCtlAsync("analytics", "SELECT count(*) AS messages FROM messages", "--format", "tsv", "--verbose");
            Assert.True(exit == 0, error);
            Assert.Equal("messages\n3", output.Trim());
            Assert.Contains("querying analytics sink at http://127.0.0.1:", error);

            var write = await ChatCtlAsync("analytics", "DELETE FROM messages");
            Assert.Equal(1, write.Exit);
            Assert.Contains("Only reading queries", write.Error);

            sink.Kill(); // SIGKILL: the URL file stays behind, pointing at nothing
        }
        Assert.True(File.Exists(AnalyticsQueryEndpoint.UrlFile(DatabasePath)));
        var after = await ChatCtlAsync("analytics", "SELECT count(*) AS messages FROM messages", "--format", "tsv", "--verbose");
        Assert.True(after.Exit == 0, after.Error);
        Assert.Equal("messages\n3", after.Output.Trim());
        Assert.Contains("querying DuckDB file", after.Error);
    }

    [Fact]
    public async Task Without_an_endpoint_chatctl_says_the_file_is_held_and_how_to_query_it()
    {
        await AnalyticsFiles.WriteAsync(DatabasePath);
        using var sink = ProgramProcess.Start("ChatStreams.Host", "chatstreams.dll", ["sink", "analytics"], SinkEnvironment(-1));
        await sink.WaitForLineAsync(l => l.StartsWith("sink analytics running", StringComparison.Ordinal), Timeout);
        var (exit, _, error) = await ChatCtlAsync("analytics", "SELECT 1");
        Assert.Equal(1, exit);
        Assert.Contains("held by another process", error);
        Assert.Contains("Analytics__QueryUrl", error);
    }

    public void Dispose() => _folder.Dispose();
}
