namespace ChatStreams.EndToEnd.Tests.Support;

/// <summary>Placing sockets on a given edge through the gateway (which picks by least requests).</summary>
public static class Edges
{
    public static string Of(ChatClient client) => ChatClient.Str(client.Ready, "edge")!;

    /// <summary>Connects until the gateway puts the socket on <paramref name="edge"/> (or on a different edge than <paramref name="notEdge"/>).</summary>
    public static async Task<ChatClient> ConnectOnAsync(ChatUser user, string? edge = null, string? notEdge = null, string? deviceId = null)
    {
        var spare = new List<ChatClient>();
        try
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                var client = await user.ConnectAsync(deviceId);
                var on = Of(client);
                if ((edge is null || on == edge) && (notEdge is null || on != notEdge)) return client;
                spare.Add(client); // keeping it open makes the other edge the least loaded
            }
            var status = await user.System.Http.GetStringAsync(user.System.GatewayUrl + "/gateway/status");
            throw new InvalidOperationException($"the gateway never placed a socket of {user.Username} on {edge ?? "not " + notEdge}; gateway status: {status}\n{user.System.Log()}");
        }
        finally
        {
            foreach (var client in spare) await client.DisposeAsync();
        }
    }
}
