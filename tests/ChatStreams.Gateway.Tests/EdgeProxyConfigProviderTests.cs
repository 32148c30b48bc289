using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Gateway.Tests;

public sealed class EdgeProxyConfigProviderTests
{
    private static EdgeProxyConfigProvider Provider(params string[] edges) =>
        new(new GatewayOptions { Edges = edges.ToList() }, NullLogger<EdgeProxyConfigProvider>.Instance);

    [Fact]
    public void Configured_edges_are_destinations_named_by_their_normalized_URL()
    {
        var provider = Provider("http://127.0.0.1:5001/", "http://127.0.0.1:5002");

        var cluster = Assert.Single(provider.GetConfig().Clusters);
        Assert.Equal(EdgeRouting.ClusterId, cluster.ClusterId);
        Assert.Equal("LeastRequests", cluster.LoadBalancingPolicy);
        Assert.Equal(
            new Dictionary<string, string> { ["http://127.0.0.1:5001"] = "http://127.0.0.1:5001", ["http://127.0.0.1:5002"] = "http://127.0.0.1:5002" },
            cluster.Destinations!.ToDictionary(d => d.Key, d => d.Value.Address));
        var route = Assert.Single(provider.GetConfig().Routes);
        Assert.Equal("{**catch-all}", route.Match.Path);
    }

    [Fact]
    public void Discovered_edges_are_added_and_signal_a_change_only_when_the_set_changes()
    {
        var provider = Provider("http://127.0.0.1:5001");
        var first = provider.GetConfig();

        provider.ReplaceDiscoveredEdges([new EdgeDestination("edge-0", "http://10.0.0.1:8080")]);

        Assert.True(first.ChangeToken.HasChanged);
        var second = provider.GetConfig();
        Assert.Equal(["http://127.0.0.1:5001", "edge-0"], provider.CurrentEdges.Select(e => e.Id));

        provider.ReplaceDiscoveredEdges([new EdgeDestination("edge-0", "http://10.0.0.1:8080")]);

        Assert.False(second.ChangeToken.HasChanged);
        Assert.Same(second, provider.GetConfig());
    }

    [Fact]
    public void A_discovered_edge_at_a_configured_address_is_not_added_twice()
    {
        var provider = Provider("http://127.0.0.1:5001");

        provider.ReplaceDiscoveredEdges([new EdgeDestination("edge-0", "http://127.0.0.1:5001"), new EdgeDestination("edge-1", "http://10.0.0.2:8080")]);

        Assert.Equal(["http://127.0.0.1:5001", "edge-1"], provider.CurrentEdges.Select(e => e.Id));
    }
}
