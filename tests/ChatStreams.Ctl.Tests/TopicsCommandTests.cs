using System.Text.Json;

namespace ChatStreams.Ctl.Tests;

/// <summary>`chatctl topics` on the embedded broker: --check reports missing topics, a run creates them as configured, a changed setting is reported, never applied.</summary>
public sealed class TopicsCommandTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private static Dictionary<string, string?> Settings(int conversationPartitions = 3, long? eventsRetention = null)
    {
        var settings = new Dictionary<string, string?>();
        foreach (var topic in new[] { "Commands", "Events", "Receipts" }) settings[$"Topics:{topic}:Partitions"] = conversationPartitions.ToString();
        foreach (var topic in new[] { "Sessions", "Presence", "Notifications", "Delivery" }) settings[$"Topics:{topic}:Partitions"] = "2";
        if (eventsRetention is { } r) settings["Topics:Events:RetentionMs"] = r.ToString();
        return settings;
    }

    private static Dictionary<string, JsonElement> ByTopic(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("topic").GetString()!);

    [Fact]
    public async Task Topics_are_created_as_configured_then_verified_and_differences_are_reported()
    {
        var before = await cluster.ChatCtlAsync(Settings(), "topics", "--check", "--json");
        Assert.Equal(1, before.Exit);
        Assert.All(ByTopic(before.Output).Values, t => Assert.Equal("missing", t.GetProperty("state").GetString()));
        Assert.Contains("without --check", before.Error);

        var created = await cluster.ChatCtlAsync(Settings(), "topics", "--edge", "edge-a");
        Assert.True(created.Exit == 0, created.Error);
        Assert.Contains("chat.events", created.Output);
        Assert.Contains("created", created.Output);

        using (var admin = cluster.Admin())
        {
            var topics = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.ToDictionary(t => t.Topic, t => t.Partitions.Count);
            Assert.Equal(3, topics["chat.events"]);
            Assert.Equal(2, topics["chat.sessions"]);
            Assert.Equal(2, topics["delivery.edge-a"]);
        }

        var verified = await cluster.ChatCtlAsync(Settings(), "topics", "--check", "--json");
        Assert.True(verified.Exit == 0, verified.Error);
        var states = ByTopic(verified.Output);
        Assert.Equal(7, states.Count); // six fixed topics and the known edge's delivery topic
        Assert.All(states.Values, t => Assert.Equal("ok", t.GetProperty("state").GetString()));

        // Settings that no longer match the cluster: reported with what to do, and nothing is changed.
        var differs = await cluster.ChatCtlAsync(Settings(conversationPartitions: 4, eventsRetention: 86_400_000), "topics", "--json");
        Assert.Equal(1, differs.Exit);
        var events = ByTopic(differs.Output)["chat.events"];
        Assert.Equal("differs", events.GetProperty("state").GetString());
        var reasons = string.Join("; ", events.GetProperty("differences").EnumerateArray().Select(d => d.GetString()));
        Assert.Contains("3 partitions, configured 4 (chatctl rescale-partitions changes it)", reasons);
        Assert.Contains("retention.ms is -1, configured 86400000", reasons);
        using (var admin = cluster.Admin())
            Assert.Equal(3, admin.GetMetadata("chat.events", TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count);
    }

    [Fact]
    public async Task An_unreachable_cluster_and_bad_input_say_what_to_do()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await ChatCtl.RunAsync(["status", "--bootstrap", "127.0.0.1:1"], output, error, configuration, default);
        Assert.Equal(1, exit);
        Assert.Contains("no Kafka broker answered at 127.0.0.1:1", error.ToString());
        Assert.Contains("--bootstrap", error.ToString());

        var badEdge = await cluster.ChatCtlAsync(Settings(), "topics", "--edge", "bad/edge");
        Assert.Equal(1, badEdge.Exit);
        Assert.Contains("'bad/edge' is not an edge id", badEdge.Error);

        var badSettings = await cluster.ChatCtlAsync(new() { ["Topics:Events:Partitions"] = "5" }, "topics");
        Assert.Equal(1, badSettings.Exit);
        Assert.Contains("same partition count", badSettings.Error);
    }
}
