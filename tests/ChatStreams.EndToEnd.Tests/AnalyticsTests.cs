using ChatStreams.EndToEnd.Tests.Support;
using ChatStreams.TestSupport;

namespace ChatStreams.EndToEnd.Tests;

/// <summary>
/// Analytics on `chatstreams up`: messages sent through the gateway land in the DuckDB tables through the analytics
/// sink (messages from chat.events, deliveries from both edges' delivery topics), and `chatctl analytics` queries
/// them while the sink holds the file, as an analyst would.
/// </summary>
[Collection(ChatSystemCollection.Name)]
public sealed class AnalyticsTests(ChatSystem system)
{
    [Fact]
    public async Task Messages_and_their_deliveries_are_counted_once_and_chatctl_queries_them_while_the_sink_runs()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        var conversation = await alice.CreateConversationAsync("direct", [bob]);
        await using var aliceDevice = await alice.ConnectAsync();
        await using var bobDevice = await bob.ConnectAsync();
        for (var i = 1; i <= 5; i++) await aliceDevice.SendMessageAsync(conversation, $"a{i}", $"hello {i}");
        await aliceDevice.SendMessageAsync(conversation, "a1", "hello 1"); // a resend: deduplicated, never a second row
        await bobDevice.WaitForAsync(f => ChatClient.Type(f) == "message" && ChatClient.Str(f, "id") == "a5");

        var messages = await QueryUntilAsync($"SELECT count(*) AS n FROM messages WHERE conversation_id = '{conversation}'", "n\n5");
        Assert.Equal("n\n5", messages);
        // Both users were connected, so each message was delivered to each of them: 10 rows, each with a latency.
        var deliveries = await QueryUntilAsync(
            $"SELECT count(*) AS n, count(latency_ms) AS timed FROM deliveries WHERE conversation_id = '{conversation}' AND seq > 1", "n\ttimed\n10\t10");
        Assert.Equal("n\ttimed\n10\t10", deliveries);

        var (code, _, error) = await ChatctlAsync("analytics", "DELETE FROM messages");
        Assert.Equal(1, code);
        Assert.Contains("Only reading queries are allowed", error, StringComparison.Ordinal);
    }

    private async Task<string> QueryUntilAsync(string sql, string expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var (code, output, error) = await ChatctlAsync("analytics", sql, "--format", "tsv");
            var text = output.Trim().Replace("\r", "", StringComparison.Ordinal);
            if (code == 0 && text == expected) return text;
            if (DateTime.UtcNow > deadline) return $"{text} (exit {code}: {error})";
            await Task.Delay(500);
        }
    }

    private async Task<(int Code, string Output, string Error)> ChatctlAsync(params string[] args)
    {
        using var chatctl = ProgramProcess.Start("ChatStreams.Ctl", "chatctl.dll", args,
            new Dictionary<string, string> { ["Analytics__DuckDbPath"] = Path.Combine(system.DataDirectory, "analytics.duckdb") });
        var code = await chatctl.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, chatctl.Stdout, chatctl.Stderr);
    }
}
