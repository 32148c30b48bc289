using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatStreams.Contracts;
using ChatStreams.EndToEnd.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace ChatStreams.EndToEnd.Tests;

/// <summary>
/// What an SRE sees of a running system: every component's /healthz, /readyz and /metrics; one trace per message from
/// the sender's edge through the topologies to the recipient's edge (spans exported by each process over OTLP); and
/// `chatctl status --json --bootstrap` against the running `up`.
/// </summary>
[Collection(ChatSystemCollection.Name)]
public sealed class OperationsTests(ChatSystem system)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_component_serves_health_readiness_and_prometheus_metrics()
    {
        var status = await system.Http.GetFromJsonAsync<JsonElement>(system.StatusUrl + "/status");
        var components = status.GetProperty("components").EnumerateArray()
            .Where(c => c.GetProperty("name").GetString() != "redis")
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("operations").GetString());
        Assert.Contains("topologies", components.Keys);
        Assert.Contains("sink-history", components.Keys);
        Assert.Contains("gateway", components.Keys);
        var operations = components.Select(c => (c.Key, Url: c.Value ?? throw new InvalidOperationException($"{c.Key} has no operations URL")))
            .Append(("up", system.StatusUrl)).ToList();

        foreach (var (name, url) in operations)
        {
            Assert.Equal(HttpStatusCode.OK, (await system.Http.GetAsync(url + "/healthz")).StatusCode);
            var deadline = DateTime.UtcNow + Deadline;
            while (true)
            {
                using var ready = await system.Http.GetAsync(url + "/readyz");
                if (ready.StatusCode == HttpStatusCode.OK) break;
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                if (DateTime.UtcNow > deadline) Assert.Fail($"{name} is not ready: {await ready.Content.ReadAsStringAsync()}");
                await Task.Delay(250);
            }
            var metrics = await system.Http.GetStringAsync(url + "/metrics");
            Assert.Contains("# TYPE ", metrics);
        }

        // The streams runtime's lag and commits from the topologies, connections and frames from an edge.
        var topologies = await system.Http.GetStringAsync(components["topologies"] + "/metrics");
        Assert.Contains("chatstreams_streams_consumer_lag", topologies);
        Assert.Contains("chatstreams_streams_commit_latency", topologies);
        var edge = await system.Http.GetStringAsync(components["edge-0"] + "/metrics");
        Assert.Contains("chatstreams_edge_connections", edge);
    }

    [Fact]
    public async Task One_message_is_one_trace_from_the_senders_edge_through_the_topologies_to_the_recipients_edge()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        var conversation = await alice.CreateConversationAsync("direct", [bob]);
        await using var sender = await alice.ConnectAsync();
        await using var phone = await Edges.ConnectOnAsync(bob, notEdge: Edges.Of(sender));
        await sender.SendMessageAsync(conversation, "traced-1", "follow me");
        await phone.WaitForSeqAsync(conversation, 2);

        // The recipient's edge delivered it: find that span's trace and walk up to its root.
        var recipientEdge = Edges.Of(phone);
        var deadline = DateTime.UtcNow + Deadline;
        List<CollectedSpan> path;
        while (true)
        {
            path = PathsToRoot(system.Traces.Spans, $"deliver delivery.{recipientEdge}")
                .FirstOrDefault(p => p[^1].Name == "publish chat.commands" && p[^1].Service == Edges.Of(sender) && p.Any(s => s.Name == "process chat.commands")) ?? [];
            if (path.Count > 0 || DateTime.UtcNow > deadline) break;
            await Task.Delay(500);
        }
        Assert.True(path.Count > 0, "no trace links the delivery at " + recipientEdge + " to the send at " + Edges.Of(sender) + "; spans seen: " +
            string.Join(", ", system.Traces.Spans.Select(s => $"{s.Service}:{s.Name}").Distinct()));
        Assert.Single(path.Select(s => s.TraceId).Distinct());
        // edge → conversation topology → fan-out (chat.events, then its repartition by user) → edge.
        Assert.Equal(recipientEdge, path[0].Service);
        Assert.Contains(path, s => s.Service == "topology" && s.Name == "process chat.commands");
        Assert.Contains(path, s => s.Service == "topology" && s.Name == "process chat.events");
    }

    /// <summary>For every span with this name: the chain of spans from it up to its root (as far as its ancestors were collected).</summary>
    private static IEnumerable<List<CollectedSpan>> PathsToRoot(IReadOnlyList<CollectedSpan> spans, string name)
    {
        var byId = spans.GroupBy(s => (s.TraceId, s.SpanId)).ToDictionary(g => g.Key, g => g.First());
        foreach (var leaf in spans.Where(s => s.Name == name))
        {
            var path = new List<CollectedSpan> { leaf };
            while (path[^1].ParentSpanId is { Length: > 0 } parent && byId.TryGetValue((leaf.TraceId, parent), out var up) && path.Count < 20) path.Add(up);
            yield return path;
        }
    }

    [Fact]
    public async Task Chatctl_status_shows_topics_groups_with_lag_processing_instances_and_edges_with_their_connections()
    {
        var carol = await ChatUser.RegisterAsync(system);
        await using var client = await carol.ConnectAsync();
        var edge = Edges.Of(client);

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["SchemaRegistry:Url"] = system.RegistryUrl }).Build();
        JsonElement status = default;
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var exit = await Ctl.ChatCtl.RunAsync(["status", "--json", "--bootstrap", system.KafkaBootstrap], output, error, configuration, default);
            Assert.True(exit == 0, error.ToString());
            status = JsonDocument.Parse(output.ToString()).RootElement;
            var online = status.GetProperty("edges").EnumerateArray().FirstOrDefault(e => e.GetProperty("edgeId").GetString() == edge);
            if (online.ValueKind == JsonValueKind.Object && online.GetProperty("connections").GetInt32() >= 1) break;
            if (DateTime.UtcNow > deadline) Assert.Fail($"edge {edge} never showed carol's connection: {output}");
            await Task.Delay(500);
        }

        var topics = status.GetProperty("topics").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal(TopicSettings.DefaultPartitions, topics["chat.events"].GetProperty("partitions").GetInt32());
        Assert.Equal(TopicSettings.DefaultPartitions, topics["chat.events"].GetProperty("configuredPartitions").GetInt32());
        Assert.True(topics["chat.events"].GetProperty("records").GetInt64() > 0);
        var groups = status.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("groupId").GetString()!);
        foreach (var topology in new[] { "chatstreams-conversation", "chatstreams-fanout", "chatstreams-presence" })
        {
            Assert.Equal("topology", groups[topology].GetProperty("role").GetString());
            Assert.NotEmpty(groups[topology].GetProperty("members").EnumerateArray()); // processing instances
        }
        var history = groups["chatstreams-sink-history"];
        Assert.Equal("sink", history.GetProperty("role").GetString());
        Assert.Contains(history.GetProperty("lag").EnumerateArray(), l => l.GetProperty("topic").GetString() == "chat.events" && l.GetProperty("committed").ValueKind == JsonValueKind.Number);
        var edges = status.GetProperty("edges").EnumerateArray().ToDictionary(e => e.GetProperty("edgeId").GetString()!);
        Assert.True(edges["edge-0"].GetProperty("hasDeliveryTopic").GetBoolean());
        Assert.True(edges["edge-1"].GetProperty("hasDeliveryTopic").GetBoolean());
        Assert.True(edges[edge].GetProperty("online").GetBoolean());
        Assert.True(edges[edge].GetProperty("users").GetInt32() >= 1);
    }
}
