using System.Net;
using ChatStreams.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;
using static ChatStreams.Gateway.Tests.Infrastructure.Slices;

namespace ChatStreams.Gateway.Tests;

/// <summary>Edges discovered from EndpointSlices served by a fake Kubernetes API server.</summary>
public sealed class KubernetesEdgeDiscoveryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Namespace = "chat";
    private const string Service = "chatstreams-edge";

    private FakeKubernetesApi _api = null!;
    private FakeEdge _one = null!;
    private FakeEdge _two = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync();
        _one = await FakeEdge.StartAsync("edge-one");
        _two = await FakeEdge.StartAsync("edge-two");
    }

    public async Task DisposeAsync()
    {
        await _one.DisposeAsync();
        await _two.DisposeAsync();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Ready_endpoints_become_edges_and_watched_slice_changes_update_them()
    {
        _api.Apply(Namespace, For(Service, "chatstreams-edge-a", Port(_one), Endpoint("edge-0", "127.0.0.1"), Endpoint("edge-9", "10.255.0.9", ready: false)));
        _api.Apply(Namespace, For("other-service", "other-service-a", Port(_two), Endpoint("other-0", "127.0.0.1")));
        _api.Apply("elsewhere", For(Service, "chatstreams-edge-x", Port(_two), Endpoint("edge-x", "127.0.0.1")));
        // A resync interval longer than the test's deadline: every change below must arrive through the watch.
        await using var gateway = await RunningGateway.StartAsync(Options(TimeSpan.FromMinutes(5)), output, _api.ClientConfiguration);

        var status = await gateway.WaitForStatusAsync(s => s.Total > 0, "the first edge discovered");
        Assert.Equal([("edge-0", _one.Url)], Edges(status));
        Assert.Equal(_one.Name, await gateway.WhoAmIAsync());

        _api.Apply(Namespace, For(Service, "chatstreams-edge-b", Port(_two), Endpoint("edge-1", "127.0.0.1")));
        status = await gateway.WaitForStatusAsync(s => s.Total == 2, "the second slice's edge added");
        Assert.Equal([("edge-0", _one.Url), ("edge-1", _two.Url)], Edges(status));

        // edge-0 is terminating: Kubernetes marks it not ready, and it must get no new requests.
        _api.Apply(Namespace, For(Service, "chatstreams-edge-a", Port(_one), Endpoint("edge-0", "127.0.0.1", ready: false, terminating: true)));
        status = await gateway.WaitForStatusAsync(s => s.Total == 1, "the terminating edge removed");
        Assert.Equal([("edge-1", _two.Url)], Edges(status));
        for (var i = 0; i < 5; i++) Assert.Equal(_two.Name, await gateway.WhoAmIAsync());

        _api.Delete(Namespace, "chatstreams-edge-b");
        await gateway.WaitForStatusAsync(s => s.Total == 0, "every edge removed with its slice");
        using var response = await gateway.Http.GetAsync("/api/whoami");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("no_edge_available", (await Problem.ReadAsync(response)).Code);

        var requests = _api.Requests;
        Assert.All(requests, r => Assert.StartsWith($"/apis/discovery.k8s.io/v1/namespaces/{Namespace}/endpointslices?", r));
        Assert.All(requests, r => Assert.Contains("labelSelector=kubernetes.io%2Fservice-name%3Dchatstreams-edge", r));
        Assert.Contains(requests, r => r.Contains("watch=true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_watching_fails_the_slices_are_relisted_periodically()
    {
        _api.WatchesWork = false;
        _api.Apply(Namespace, For(Service, "chatstreams-edge-a", Port(_one), Endpoint("edge-0", "127.0.0.1")));
        await using var gateway = await RunningGateway.StartAsync(Options(TimeSpan.FromMilliseconds(300)), output, _api.ClientConfiguration);
        await gateway.WaitForStatusAsync(s => s.Total == 1, "the first edge discovered");

        _api.Apply(Namespace, For(Service, "chatstreams-edge-b", Port(_two), Endpoint("edge-1", "127.0.0.1")));

        var status = await gateway.WaitForStatusAsync(s => s.Total == 2, "the second edge found by relisting");
        Assert.Equal([("edge-0", _one.Url), ("edge-1", _two.Url)], Edges(status));
        Assert.True(_api.Requests.Count(r => !r.Contains("watch=true", StringComparison.Ordinal)) >= 2, "the slices were listed more than once");
        await gateway.WaitForStatusAsync(s => s.Healthy == 2, "both discovered edges probed healthy");
    }

    [Fact]
    public async Task Configured_and_discovered_edges_are_combined()
    {
        _api.Apply(Namespace, For(Service, "chatstreams-edge-a", Port(_two), Endpoint("edge-1", "127.0.0.1")));
        var options = Options(TimeSpan.FromMinutes(5));
        options.Edges.Add(_one.Url);
        await using var gateway = await RunningGateway.StartAsync(options, output, _api.ClientConfiguration);

        var status = await gateway.WaitForStatusAsync(s => s.Total == 2, "the configured and the discovered edge");
        Assert.Equal([("edge-1", _two.Url), (_one.Url, _one.Url)], Edges(status));
    }

    private static GatewayOptions Options(TimeSpan resync) => new()
    {
        Kubernetes = new KubernetesDiscoveryOptions { Enabled = true, Namespace = Namespace, Service = Service, ResyncInterval = resync },
        HealthCheckInterval = TimeSpan.FromMilliseconds(200),
        HealthCheckTimeout = TimeSpan.FromSeconds(1),
        ShutdownTimeout = TimeSpan.FromSeconds(2),
    };

    private static int Port(FakeEdge edge) => new Uri(edge.Url).Port;

    private static List<(string Id, string Address)> Edges(GatewayStatus status) =>
        status.Destinations.Select(d => (d.Id, d.Address)).ToList();
}
