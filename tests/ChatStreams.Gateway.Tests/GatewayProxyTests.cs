using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using ChatStreams.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ChatStreams.Gateway.Tests;

/// <summary>REST and WebSocket traffic through the gateway to two healthy edges.</summary>
public sealed class GatewayProxyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private FakeEdge _a = null!;
    private FakeEdge _b = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _a = await FakeEdge.StartAsync("edge-a");
        _b = await FakeEdge.StartAsync("edge-b");
        _gateway = await RunningGateway.StartAsync(RunningGateway.Options(_a, _b), output);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task Forty_sequential_requests_are_all_answered_by_an_edge()
    {
        var answers = new List<string>();
        for (var i = 0; i < 40; i++) answers.Add(await _gateway.WhoAmIAsync());

        Assert.All(answers, who => Assert.Contains(who, new[] { "edge-a", "edge-b" }));
        Assert.Equal(40, _a.Served + _b.Served);
    }

    [Fact]
    public async Task Each_new_request_goes_to_the_edge_with_the_fewest_in_flight()
    {
        var held = new List<Task<HttpResponseMessage>>();
        for (var i = 1; i <= 4; i++)
        {
            held.Add(_gateway.Http.GetAsync("/api/hold"));
            var expected = i;
            await Eventually.Until(() => _a.Holding + _b.Holding == expected, $"{expected} held requests at the edges");
        }

        Assert.Equal(2, _a.Holding);
        Assert.Equal(2, _b.Holding);

        _a.ReleaseHeld();
        _b.ReleaseHeld();
        var answers = new List<string>();
        foreach (var request in held)
        {
            using var response = await request;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answers.Add(await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(["edge-a", "edge-a", "edge-b", "edge-b"], answers.Order());
    }

    [Fact]
    public async Task Request_bodies_reach_the_edge()
    {
        using var response = await _gateway.Http.PostAsync("/api/echo", new StringContent("a message body", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches("^edge-[ab]: a message body$", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_edge_failing_after_it_got_the_request_yields_a_502_problem_and_no_retry_elsewhere()
    {
        using var response = await _gateway.Http.GetAsync("/api/crash");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("application/problem+json", problem.ContentType);
        Assert.Equal("edge_failed", problem.Code);
        Assert.Equal(1, _a.Served + _b.Served);
    }

    [Fact]
    public async Task WebSocket_frames_round_trip_through_the_gateway_and_close_cleanly()
    {
        using var socket = new ClientWebSocket();
        await WebSocketText.ConnectAsync(socket, _gateway.WebSocketUri());

        var replies = new List<string>();
        foreach (var text in new[] { "hello", "second frame", "third with ünïcode" })
        {
            await WebSocketText.SendAsync(socket, text);
            replies.Add(await WebSocketText.ReceiveAsync(socket));
        }
        var edge = replies[0].Split(':')[0];
        Assert.Contains(edge, new[] { "edge-a", "edge-b" });
        Assert.Equal([$"{edge}: hello", $"{edge}: second frame", $"{edge}: third with ünïcode"], replies);

        await WebSocketText.CloseAsync(socket);
        Assert.Equal(WebSocketState.Closed, socket.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
    }

    [Fact]
    public async Task Open_WebSockets_are_spread_evenly_across_edges()
    {
        var sockets = new List<ClientWebSocket>();
        try
        {
            var edges = new List<string>();
            for (var i = 0; i < 4; i++)
            {
                var socket = new ClientWebSocket();
                sockets.Add(socket);
                await WebSocketText.ConnectAsync(socket, _gateway.WebSocketUri());
                await WebSocketText.SendAsync(socket, "who");
                edges.Add((await WebSocketText.ReceiveAsync(socket)).Split(':')[0]);
            }

            Assert.Equal(["edge-a", "edge-a", "edge-b", "edge-b"], edges.Order());
            var status = await _gateway.StatusAsync();
            Assert.All(status.Destinations, d => Assert.Equal(2, d.InFlight));
        }
        finally
        {
            foreach (var socket in sockets)
            {
                if (socket.State == WebSocketState.Open) await WebSocketText.CloseAsync(socket);
                socket.Dispose();
            }
        }
    }

    [Fact]
    public async Task The_edge_sees_the_client_address_in_X_Forwarded_headers_not_what_the_client_claimed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/headers");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        using var response = await _gateway.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var headers = (await response.Content.ReadFromJsonAsync<Dictionary<string, string>>())!;

        Assert.Equal("127.0.0.1", headers["X-Forwarded-For"]);
        Assert.Equal("http", headers["X-Forwarded-Proto"]);
        Assert.Equal(new Uri(_gateway.Url).Authority, headers["X-Forwarded-Host"]);
    }

    [Fact]
    public async Task Gateway_endpoints_answer_themselves_and_report_both_edges()
    {
        var health = await _gateway.Http.GetAsync(GatewayServer.HealthPath);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok", await health.Content.ReadAsStringAsync());

        var status = await _gateway.WaitForStatusAsync(s => s.Destinations.All(d => d.Active == "healthy"), "both edges probed healthy");
        Assert.Equal(2, status.Healthy);
        Assert.Equal(2, status.Total);
        Assert.Equal(new[] { _a.Url, _b.Url }.Order(), status.Destinations.Select(d => d.Address).Order());
        Assert.All(status.Destinations, d => Assert.True(d.Available));
        Assert.All(status.Destinations, d => Assert.Equal(d.Address, d.Id));
        Assert.Equal(0, _a.Served + _b.Served);
    }
}
