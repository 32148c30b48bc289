using k8s.Models;
using static ChatStreams.Gateway.Tests.Infrastructure.Slices;

namespace ChatStreams.Gateway.Tests;

public sealed class EndpointSliceEdgesTests
{
    private static readonly KubernetesDiscoveryOptions Options = new();

    [Fact]
    public void Only_ready_endpoints_become_edges_named_after_their_pods()
    {
        var slice = For("chatstreams-edge", "s", 8080,
            Endpoint("edge-0", "10.0.0.1"),
            Endpoint("edge-1", "10.0.0.2", ready: false),
            Endpoint("edge-2", "10.0.0.3", ready: true, terminating: true),
            Endpoint("edge-3", "10.0.0.4", ready: null));

        var edges = EndpointSliceEdges.Select([slice], Options);

        Assert.Equal([new EdgeDestination("edge-0", "http://10.0.0.1:8080"), new EdgeDestination("edge-3", "http://10.0.0.4:8080")], edges);
    }

    [Fact]
    public void An_endpoint_without_a_pod_is_named_by_its_address_and_IPv6_addresses_are_bracketed()
    {
        var slice = For("chatstreams-edge", "s", 8443, new V1Endpoint { Addresses = ["fd00::7"], Conditions = new V1EndpointConditions { Ready = true } });
        slice.AddressType = "IPv6";

        var edges = EndpointSliceEdges.Select([slice], new KubernetesDiscoveryOptions { Scheme = "HTTPS" });

        Assert.Equal([new EdgeDestination("fd00::7", "https://[fd00::7]:8443")], edges);
    }

    [Fact]
    public void A_slice_without_the_named_port_is_skipped_with_a_reason()
    {
        var good = For("chatstreams-edge", "good", 8080, Endpoint("edge-0", "10.0.0.1"));
        var bad = For("chatstreams-edge", "bad", 9090, Endpoint("edge-1", "10.0.0.2"));
        bad.Ports[0].Name = "metrics";
        var skipped = new List<string>();

        var edges = EndpointSliceEdges.Select([good, bad], Options, (slice, reason) => skipped.Add($"{slice}: {reason}"));

        Assert.Equal([new EdgeDestination("edge-0", "http://10.0.0.1:8080")], edges);
        Assert.Equal(["bad: it has no port named 'http'"], skipped);
    }

    [Fact]
    public void A_pod_listed_in_two_slices_is_one_edge()
    {
        var first = For("chatstreams-edge", "a", 8080, Endpoint("edge-0", "10.0.0.1"));
        var second = For("chatstreams-edge", "b", 8080, Endpoint("edge-0", "10.0.0.1"), Endpoint("edge-1", "10.0.0.2"));

        var edges = EndpointSliceEdges.Select([second, first], Options);

        Assert.Equal(["edge-0", "edge-1"], edges.Select(e => e.Id));
    }
}
