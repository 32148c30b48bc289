using k8s.Models;

namespace ChatStreams.Gateway.Tests.Infrastructure;

/// <summary>Builds EndpointSlices the way the EndpointSlice controller labels them.</summary>
public static class Slices
{
    public static V1EndpointSlice For(string service, string name, int port, params V1Endpoint[] endpoints) => new()
    {
        ApiVersion = "discovery.k8s.io/v1",
        Kind = "EndpointSlice",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = service },
        },
        AddressType = "IPv4",
        Ports = [new Discoveryv1EndpointPort { Name = "http", Port = port, Protocol = "TCP" }],
        Endpoints = endpoints.ToList(),
    };

    public static V1Endpoint Endpoint(string pod, string address, bool? ready = true, bool? terminating = null) => new()
    {
        Addresses = [address],
        Conditions = new V1EndpointConditions { Ready = ready, Serving = ready, Terminating = terminating },
        TargetRef = new V1ObjectReference { Kind = "Pod", Name = pod, NamespaceProperty = "chat" },
    };
}
