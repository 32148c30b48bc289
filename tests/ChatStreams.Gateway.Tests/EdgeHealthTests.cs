using System.Net;
using System.Net.WebSockets;
using ChatStreams.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ChatStreams.Gateway.Tests;

/// <summary>What the gateway does when edges drain, die, or are all gone.</summary>
public sealed class EdgeHealthTests(ITestOutputHelper output) : IAsyncLifetime
{
    private FakeEdge _a = null!;
    private FakeEdge _b = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _a = await FakeEdge.StartAsync("edge-a");
        _b = await FakeEdge.StartAsync("edge-b");
        _gateway = await RunningGateway.StartAsync(RunningGateway.Options(_a, _b), output);
        await _gateway.WaitForStatusAsync(s => s.Destinations.All(d => d.Active == "healthy"), "both edges probed healthy");
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task A_draining_edge_gets_no_new_requests_once_its_health_check_fails_and_returns_when_it_recovers()
    {
        _a.Healthy = false;
        var status = await _gateway.WaitForStatusAsync(s => Edge(s, _a).Active == "unhealthy", "edge-a reported unhealthy");
        Assert.False(Edge(status, _a).Available);
        Assert.True(Edge(status, _b).Available);
        Assert.Equal(1, status.Healthy);
        Assert.Null(status.NotServingReason); // /readyz of the gateway: one edge is enough

        var servedByA = _a.Served;
        for (var i = 0; i < 20; i++) Assert.Equal("edge-b", await _gateway.WhoAmIAsync());
        Assert.Equal(servedByA, _a.Served);

        _a.Healthy = true;
        await _gateway.WaitForStatusAsync(s => Edge(s, _a).Available, "edge-a back in rotation");
        // With one request held somewhere, least-requests must send the next one to the other edge: both are in use again.
        var first = _gateway.Http.GetAsync("/api/hold");
        await Eventually.Until(() => _a.Holding + _b.Holding == 1, "the first held request");
        var second = _gateway.Http.GetAsync("/api/hold");
        await Eventually.Until(() => _a.Holding + _b.Holding == 2, "the second held request");
        Assert.Equal(1, _a.Holding);
        Assert.Equal(1, _b.Holding);
        _a.ReleaseHeld();
        _b.ReleaseHeld();
        (await first).Dispose();
        (await second).Dispose();
    }

    [Fact]
    public async Task Requests_keep_succeeding_via_the_other_edge_when_an_edge_is_killed()
    {
        // Kill the edge that takes sequential requests, so every request below is first routed to the dead edge
        // until the health checks take it out.
        var victim = await _gateway.WhoAmIAsync() == _a.Name ? _a : _b;
        var survivor = victim == _a ? _b : _a;
        await victim.StopAsync();

        for (var i = 0; i < 20; i++) Assert.Equal(survivor.Name, await _gateway.WhoAmIAsync());

        var status = await _gateway.WaitForStatusAsync(s => Edge(s, victim).Active == "unhealthy", "the killed edge reported unhealthy");
        Assert.False(Edge(status, victim).Available);
        Assert.Equal(1, status.Healthy);

        using var socket = new ClientWebSocket();
        await WebSocketText.ConnectAsync(socket, _gateway.WebSocketUri());
        await WebSocketText.SendAsync(socket, "still there?");
        Assert.Equal($"{survivor.Name}: still there?", await WebSocketText.ReceiveAsync(socket));
        await WebSocketText.CloseAsync(socket);
    }

    [Fact]
    public async Task With_every_edge_draining_requests_get_a_503_problem_telling_the_client_to_retry()
    {
        _a.Healthy = false;
        _b.Healthy = false;
        var status = await _gateway.WaitForStatusAsync(s => s.Healthy == 0, "no healthy edge left");
        Assert.Equal("none of the 2 edges is healthy", status.NotServingReason); // /readyz of the gateway answers 503 with it

        using var response = await _gateway.Http.GetAsync("/api/whoami");

        await AssertNoEdgeAvailable(response);
        Assert.Equal(0, _a.Served + _b.Served);
    }

    [Fact]
    public async Task With_every_edge_killed_requests_and_WebSocket_handshakes_get_a_503_problem()
    {
        await _a.StopAsync();
        await _b.StopAsync();

        using (var response = await _gateway.Http.GetAsync("/api/whoami"))
            await AssertNoEdgeAvailable(response);

        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => WebSocketText.ConnectAsync(socket, _gateway.WebSocketUri()));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, socket.HttpStatusCode);

        var status = await _gateway.WaitForStatusAsync(s => s.Healthy == 0, "both killed edges reported unhealthy");
        Assert.All(status.Destinations, d => Assert.False(d.Available));
    }

    private static async Task AssertNoEdgeAvailable(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("application/problem+json", problem.ContentType);
        Assert.Equal(503, problem.Status);
        Assert.Equal("no_edge_available", problem.Code);
        Assert.Equal("https://chatstreams.dev/errors/no_edge_available", problem.Type);
        Assert.Equal("No edge available", problem.Title);
        Assert.Contains("Retry in a few seconds", problem.Detail);
    }

    private static EdgeStatus Edge(GatewayStatus status, FakeEdge edge) => status.Destinations.Single(d => d.Address == edge.Url);
}
