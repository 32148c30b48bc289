using k8s.Models;

namespace ChatStreams.Gateway;

/// <summary>Turns the EndpointSlices of the edge service into the edges the gateway may route to.</summary>
public static class EndpointSliceEdges
{
    /// <summary>
    /// Ready endpoints that expose the named port, one destination per pod (id = pod name, else the address).
    /// Endpoints that are not ready — starting, failing readiness, or terminating — are left out, so a draining edge
    /// stops getting new requests as soon as Kubernetes marks it.
    /// </summary>
    /// <param name="skipped">Called with a slice name and the reason when a whole slice cannot be used.</param>
    public static IReadOnlyList<EdgeDestination> Select(IEnumerable<V1EndpointSlice> slices, KubernetesDiscoveryOptions options, Action<string, string>? skipped = null)
    {
        ArgumentNullException.ThrowIfNull(slices);
        ArgumentNullException.ThrowIfNull(options);
        var edges = new Dictionary<string, EdgeDestination>(StringComparer.OrdinalIgnoreCase);
        foreach (var slice in slices.OrderBy(s => s.Metadata?.Name, StringComparer.Ordinal))
        {
            var sliceName = slice.Metadata?.Name ?? "(unnamed)";
            var port = FindPort(slice, options.PortName);
            if (port is null)
            {
                skipped?.Invoke(sliceName, $"it has no port named '{options.PortName}'");
                continue;
            }

            foreach (var endpoint in slice.Endpoints ?? [])
            {
                // Kubernetes documents a missing ready condition as "ready".
                if (endpoint.Conditions?.Ready == false || endpoint.Conditions?.Terminating == true) continue;
                var address = endpoint.Addresses?.FirstOrDefault(a => !string.IsNullOrWhiteSpace(a));
                if (address is null) continue;

                var id = endpoint.TargetRef?.Name is { Length: > 0 } podName ? podName : address;
                // A dual-stack pod appears in one slice per address family; the first one found serves it.
                edges.TryAdd(id, new EdgeDestination(id, EdgeAddress.FromEndpoint(options.Scheme, address, port.Value)));
            }
        }
        return edges.Values.OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
    }

    private static int? FindPort(V1EndpointSlice slice, string portName)
    {
        var ports = slice.Ports ?? [];
        var named = ports.FirstOrDefault(p => string.Equals(p.Name ?? "", portName ?? "", StringComparison.Ordinal));
        // A service with one unnamed port has no name to match; take that port when no name was asked for.
        if (named is null && string.IsNullOrEmpty(portName) && ports.Count == 1) named = ports[0];
        return named?.Port;
    }
}
