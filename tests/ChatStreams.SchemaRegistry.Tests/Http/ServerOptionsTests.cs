using System.Net;
using System.Net.Sockets;
using ChatStreams.SchemaRegistry.Tests.Support;

namespace ChatStreams.SchemaRegistry.Tests.Http;

public class ServerOptionsTests
{
    [Fact]
    public async Task Port_zero_binds_a_free_loopback_port_and_reports_it()
    {
        await using var first = await SchemaRegistryServer.StartAsync(new SchemaRegistryOptions());
        await using var second = await SchemaRegistryServer.StartAsync(new SchemaRegistryOptions());

        var uri = new Uri(first.Url);
        Assert.Equal("127.0.0.1", uri.Host);
        Assert.NotEqual(0, uri.Port);
        Assert.NotEqual(first.Url, second.Url);
        using var http = new RegistryClient(first.Url);
        (await http.GetAsync("/subjects")).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Taken_port_fails_with_advice()
    {
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<IOException>(() => SchemaRegistryServer.StartAsync(new SchemaRegistryOptions { Port = port }));

        Assert.Contains($"127.0.0.1:{port}", error.Message);
        Assert.Contains("SchemaRegistry:Port", error.Message);
    }

    [Theory]
    [InlineData("registry.example.com", 0)]
    [InlineData("127.0.0.1", 70000)]
    public async Task Bad_host_or_port_is_rejected_before_binding(string host, int port)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => SchemaRegistryServer.StartAsync(new SchemaRegistryOptions { Host = host, Port = port }));
        Assert.Contains("SchemaRegistry:", error.Message);
    }

    [Fact]
    public async Task Localhost_is_accepted_as_loopback()
    {
        await using var server = await SchemaRegistryServer.StartAsync(new SchemaRegistryOptions { Host = "localhost" });
        Assert.StartsWith("http://127.0.0.1:", server.Url);
    }

    [Fact]
    public async Task Stopped_server_no_longer_accepts_connections()
    {
        var server = await SchemaRegistryServer.StartAsync(new SchemaRegistryOptions());
        var port = new Uri(server.Url).Port;
        await server.DisposeAsync();
        await server.DisposeAsync();

        using var client = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port));
    }
}
