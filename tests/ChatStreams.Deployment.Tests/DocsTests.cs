using System.Globalization;

namespace ChatStreams.Deployment.Tests;

/// <summary>docs/docker-compose.md stays in step with docker-compose.kafka.yml: every service and host port is documented.</summary>
public sealed class DocsTests
{
    private static readonly Lazy<string> Guide = new(() => File.ReadAllText(RepositoryRoot.File("docs/docker-compose.md")));

    [Fact]
    public void Guide_NamesEveryService()
    {
        // Services documented as a family ("`topology-conversation`, `-fanout`") count by their suffix.
        var undocumented = DeploymentFiles.Compose.Services.Keys
            .Where(name => !Guide.Value.Contains($"`{name}`", StringComparison.Ordinal)
                && !Guide.Value.Contains($"`-{name[(name.IndexOf('-') + 1)..]}`", StringComparison.Ordinal));
        Assert.Empty(undocumented);
    }

    [Fact]
    public void Guide_ListsEveryPublishedHostPort()
    {
        var undocumented = DeploymentFiles.Compose.Services.Values
            .SelectMany(s => s.Ports)
            .Where(p => p.HostPort is not null)
            .Select(p => p.HostPort!.Value.ToString(CultureInfo.InvariantCulture))
            .Where(port => !Guide.Value.Contains(port, StringComparison.Ordinal));
        Assert.Empty(undocumented);
    }

    [Fact]
    public void Guide_ShowsTheLocalhostBootstrapServers_ThatTheBrokersAdvertise()
    {
        var external = DeploymentFiles.Brokers
            .SelectMany(b => b.AdvertisedListeners.Where(l => l.Host == "localhost"))
            .Select(l => $"localhost:{l.Port}");
        Assert.Contains($"Kafka__BootstrapServers={string.Join(',', external)}", Guide.Value, StringComparison.Ordinal);
    }
}
