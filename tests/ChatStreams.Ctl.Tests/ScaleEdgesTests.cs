using System.Text.Json;
using ChatStreams.TestSupport;

namespace ChatStreams.Ctl.Tests;

/// <summary>
/// `chatctl scale-edges` against a test double of the Kubernetes API server and the embedded broker: scaling up creates
/// the new edges' delivery topics before the StatefulSet is patched; scaling down patches and waits for the removed
/// edges' pods to finish draining. (What a removed edge does with its clients, SIGTERM → reconnect notice → resume on
/// another edge without loss, is DrainTests in the end-to-end tests, on a real `up`.)
/// </summary>
public sealed class ScaleEdgesTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>, IDisposable
{
    private readonly TempDirectory _folder = new("chatctl-kube");

    private Dictionary<string, string?> Settings(KubernetesApiDouble api) => new()
    {
        ["Kubernetes:KubeConfig"] = api.WriteKubeConfig(_folder.Sub("kubeconfig")),
        ["Kubernetes:EdgeStatefulSet"] = "chat-edge",
        ["Topics:Delivery:Partitions"] = "2",
    };

    private HashSet<string> TopicNames()
    {
        using var admin = cluster.Admin();
        return admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic).ToHashSet();
    }

    [Fact]
    public async Task Scaling_up_creates_delivery_topics_first_and_scaling_down_waits_for_the_drain()
    {
        HashSet<string>? topicsAtPatch = null;
        using var api = new KubernetesApiDouble("chat", "chat-edge", replicas: 2) { OnPatch = () => topicsAtPatch = TopicNames(), TerminationDelay = TimeSpan.FromSeconds(2) };

        var up = await cluster.ChatCtlAsync(Settings(api), "scale-edges", "4");
        Assert.True(up.Exit == 0, up.Error);
        Assert.Contains("delivery topics ready: delivery.chat-edge-2, delivery.chat-edge-3 (2 created)", up.Output);
        Assert.Contains("StatefulSet chat/chat-edge: 2 -> 4 replicas", up.Output);
        Assert.Contains("4 edges ready", up.Output);
        Assert.NotNull(topicsAtPatch);
        Assert.Contains("delivery.chat-edge-2", topicsAtPatch);
        Assert.Contains("delivery.chat-edge-3", topicsAtPatch);
        Assert.Equal(["{\"spec\":{\"replicas\":4}}"], api.Patches);

        var started = DateTime.UtcNow;
        var down = await cluster.ChatCtlAsync(Settings(api), "scale-edges", "1", "--json");
        Assert.True(down.Exit == 0, down.Error);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(1.5), "chatctl returned before the removed edges' pods were gone");
        var result = JsonDocument.Parse(down.Output).RootElement;
        Assert.Equal(4, result.GetProperty("from").GetInt32());
        Assert.Equal(1, result.GetProperty("to").GetInt32());
        Assert.Equal(["chat-edge-1", "chat-edge-2", "chat-edge-3"], result.GetProperty("drained").EnumerateArray().Select(e => e.GetString()));
        Assert.True(result.GetProperty("waited").GetBoolean());
        Assert.Equal(1, api.Replicas);
        Assert.Contains("GET /api/v1/namespaces/chat/pods/chat-edge-3", api.Requests);
        Assert.Contains("delivery.chat-edge-3", TopicNames()); // kept for a later scale-up

        var same = await cluster.ChatCtlAsync(Settings(api), "scale-edges", "1");
        Assert.Equal(0, same.Exit);
        Assert.Contains("already runs 1 edges", same.Output);
        Assert.Equal(2, api.Patches.Count);

        var zero = await cluster.ChatCtlAsync(Settings(api), "scale-edges", "0");
        Assert.Equal(1, zero.Exit);
        Assert.Contains("at least one edge must stay", zero.Error);
    }

    [Fact]
    public async Task A_missing_statefulset_says_which_settings_name_it()
    {
        using var api = new KubernetesApiDouble("chat", "chat-edge", replicas: 2);
        var settings = Settings(api);
        settings["Kubernetes:EdgeStatefulSet"] = "other-edge";
        var result = await cluster.ChatCtlAsync(settings, "scale-edges", "3");
        Assert.Equal(1, result.Exit);
        Assert.Contains("StatefulSet other-edge not found in namespace chat", result.Error);
        Assert.Contains("Kubernetes__EdgeStatefulSet", result.Error);
        Assert.Empty(api.Patches);
    }

    public void Dispose() => _folder.Dispose();
}
