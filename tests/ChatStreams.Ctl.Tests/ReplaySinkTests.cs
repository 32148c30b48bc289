using System.Globalization;
using System.Text.Json;
using ChatStreams.TestSupport;
using Microsoft.Data.Sqlite;

namespace ChatStreams.Ctl.Tests;

/// <summary>
/// `chatctl replay-sink` with a real `chatstreams sink history` process on the embedded broker: refused while the sink
/// runs; once it is stopped, a --from time plans only what came after it, and a replay from the beginning rebuilds a
/// lost store completely when the sink starts again.
/// </summary>
public sealed class ReplaySinkTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly TempDirectory _folder = new("chatctl-replay");

    private string HistoryPath => _folder.Sub("history.db");

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Topics:Commands:Partitions"] = "2", ["Topics:Events:Partitions"] = "2", ["Topics:Receipts:Partitions"] = "2",
    };

    private Dictionary<string, string> SinkEnvironment() => new()
    {
        ["Kafka__BootstrapServers"] = cluster.Bootstrap,
        ["SchemaRegistry__Url"] = cluster.RegistryUrl,
        ["History__SqlitePath"] = HistoryPath,
        ["Sinks__BatchLinger"] = "00:00:00.050",
        // A killed member leaves its group after the session timeout; short, so the test does not wait long for it.
        ["Kafka__Extra__session.timeout.ms"] = "6000",
        ["Kafka__Extra__heartbeat.interval.ms"] = "1000",
    };

    private async Task<long> StoredAsync()
    {
        if (!File.Exists(HistoryPath)) return 0;
        await using var connection = new SqliteConnection($"Data Source={HistoryPath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM events";
        try { return (long)(await command.ExecuteScalarAsync())!; }
        catch (SqliteException) { return 0; } // the sink has not created its tables yet
    }

    private async Task WaitForStoredAsync(long count, ProgramProcess sink)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (await StoredAsync() != count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{await StoredAsync()} of {count} events stored:\n{string.Join('\n', sink.Output.TakeLast(30))}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_stopped_sink_is_rebuilt_from_chat_events()
    {
        Assert.Equal(0, (await cluster.ChatCtlAsync(Settings, "topics")).Exit);
        await cluster.ProduceAsync("chat.events", ClusterFixture.Messages("c-1", 1, 20).Concat(ClusterFixture.Messages("c-2", 1, 10)));
        await Task.Delay(1500); // the second batch is clearly later than the first
        var between = DateTimeOffset.UtcNow;
        await Task.Delay(1500);
        await cluster.ProduceAsync("chat.events", ClusterFixture.Messages("c-1", 21, 25));

        using (var sink = ProgramProcess.Start("ChatStreams.Host", "chatstreams.dll", ["sink", "history"], SinkEnvironment()))
        {
            await WaitForStoredAsync(35, sink);
            var running = await cluster.ChatCtlAsync(Settings, "replay-sink", "history", "--from", "earliest");
            Assert.Equal(1, running.Exit);
            Assert.Contains("sink history is running", running.Error);
            Assert.Contains("replicas=0", running.Error);

            var status = await cluster.ChatCtlAsync(Settings, "status", "--json");
            Assert.True(status.Exit == 0, status.Error);
            var group = JsonDocument.Parse(status.Output).RootElement.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("groupId").GetString() == "chatstreams-sink-history");
            Assert.Equal("sink", group.GetProperty("role").GetString());
            Assert.Single(group.GetProperty("members").EnumerateArray());
            // The same for people: tables of topics, groups, processing instances and edges.
            var table = await cluster.ChatCtlAsync(Settings, "status");
            Assert.True(table.Exit == 0, table.Error);
            foreach (var heading in new[] { "Topics", "Consumer groups", "Processing instances", "Edges" }) Assert.Contains(heading + "\n", table.Output.Replace("\r\n", "\n"));
            Assert.Matches(@"│ chatstreams-sink-history\s+│ sink\s+│ Stable\s+│ 1\s+│", table.Output);
            sink.Kill();
        }

        // Kafka lets the group go once the killed member's session expires; until then replay-sink keeps refusing.
        var deadline = DateTime.UtcNow + Timeout;
        (int Exit, string Output, string Error) plan;
        while ((plan = await cluster.ChatCtlAsync(Settings, "replay-sink", "history", "--from", between.ToString("O", CultureInfo.InvariantCulture), "--dry-run", "--json")).Exit != 0)
        {
            Assert.Contains("is running", plan.Error);
            if (DateTime.UtcNow > deadline) throw new TimeoutException(plan.Error);
            await Task.Delay(500);
        }
        // Only the five events after the time would be replayed; nothing moved (dry run).
        var partitions = JsonDocument.Parse(plan.Output).RootElement.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal(5, partitions.Where(p => p.GetProperty("topic").GetString() == "chat.events").Sum(p => p.GetProperty("records").GetInt64()));
        Assert.False(JsonDocument.Parse(plan.Output).RootElement.GetProperty("applied").GetBoolean());

        // The store is lost; a replay from the beginning brings every event back exactly once.
        SqliteConnection.ClearAllPools();
        File.Delete(HistoryPath);
        var replay = await cluster.ChatCtlAsync(Settings, "replay-sink", "history", "--from", "earliest");
        Assert.True(replay.Exit == 0, replay.Error);
        Assert.Contains("writes 35 records again", replay.Output);
        using (var again = ProgramProcess.Start("ChatStreams.Host", "chatstreams.dll", ["sink", "history"], SinkEnvironment()))
        {
            await WaitForStoredAsync(35, again);
            await Task.Delay(1000);
            Assert.Equal(35, await StoredAsync());
        }

        var usage = await cluster.ChatCtlAsync(Settings, "replay-sink", "history", "--from", "yesterday-ish");
        Assert.Equal(2, usage.Exit);
        Assert.Contains("90m, 6h, 2d", usage.Error);
        Assert.Equal(2, (await cluster.ChatCtlAsync(Settings, "replay-sink", "nonsense", "--from", "1h")).Exit);
    }

    public void Dispose() => _folder.Dispose();
}
