using ChatStreams.Sinks.Analytics;
using ChatStreams.Sinks.Analytics.DuckDb;

namespace ChatStreams.Ctl.Tests;

/// <summary>DuckDB analytics files with a few known rows, written and closed as a sink would leave them.</summary>
public static class AnalyticsFiles
{
    public static async Task WriteAsync(string path)
    {
        await using var store = new DuckDbAnalyticsStore(path);
        await store.InitializeAsync(default);
        await store.WriteAsync(AnalyticsBatch.Empty with
        {
            Conversations = [new ConversationRow("c-1", "group", "Team\ttab", "alice", 1_735_732_800_000, 3), new ConversationRow("c-2", "direct", null, "bob", 1_735_732_900_000, 2)],
            Messages =
            [
                new MessageRow("c-1", 2, "m-2", "alice", "alice-phone", "edge-1", "group", 1_735_732_801_000, 1_735_732_800_990, 5, 5, 0),
                new MessageRow("c-1", 3, "m-3", "bob", "bob-phone", "edge-1", "group", 1_735_732_802_000, null, 10, 18, 2),
                new MessageRow("c-2", 2, "m-4", "bob", "bob-phone", "edge-2", "direct", 1_735_732_901_000, 1_735_732_900_980, 3, 3, 0),
            ],
        }, default);
    }
}
