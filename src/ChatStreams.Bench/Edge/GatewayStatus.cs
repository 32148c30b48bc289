using System.Text.Json;

namespace ChatStreams.Bench.Edge;

/// <summary>What GET /gateway/status says about the edges behind the gateway.</summary>
/// <param name="Edges">Destinations the gateway routes to.</param>
/// <param name="Ready">Of those, the ones its active probe found healthy and that are available for new requests.</param>
public sealed record GatewayStatus(int Edges, int Ready)
{
    /// <summary>Every edge probed healthy: not merely "unknown", which the gateway also routes to before its first probe.</summary>
    public bool AllReady => Edges > 0 && Ready == Edges;

    /// <summary>Reads the gateway's status document; a document without destinations counts as no edge.</summary>
    public static GatewayStatus Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("destinations", out var destinations) || destinations.ValueKind != JsonValueKind.Array)
            return new GatewayStatus(0, 0);
        var edges = 0;
        var ready = 0;
        foreach (var destination in destinations.EnumerateArray())
        {
            edges++;
            var healthy = destination.TryGetProperty("active", out var active) && active.ValueKind == JsonValueKind.String && active.GetString() == "healthy";
            var available = destination.TryGetProperty("available", out var a) && a.ValueKind == JsonValueKind.True;
            if (healthy && available) ready++;
        }
        return new GatewayStatus(edges, ready);
    }
}
