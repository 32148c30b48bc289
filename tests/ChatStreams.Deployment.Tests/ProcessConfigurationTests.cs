using System.Text.RegularExpressions;
using ChatStreams.Deployment.Tests.Model;

namespace ChatStreams.Deployment.Tests;

/// <summary>Our processes in docker-compose.kafka.yml: one image, options-pattern configuration, every role deployed.</summary>
public sealed partial class ProcessConfigurationTests
{
    private static ComposeFile Compose => DeploymentFiles.Compose;

    private static IReadOnlyList<ComposeService> Processes => Compose.WithRole(ServiceRoles.Process).ToList();

    [Fact]
    public void EveryProcess_IsBuiltFromTheRepositoryDockerfile_AsOneImage()
    {
        Assert.NotEmpty(Processes);
        foreach (var process in Processes)
        {
            Assert.True(process.Build is not null, $"{process.Name} has no build section.");
            var dockerfile = Path.GetFullPath(Path.Combine(RepositoryRoot.Path, process.Build.Context, process.Build.Dockerfile));
            Assert.Equal(RepositoryRoot.File("Dockerfile"), dockerfile);
            Assert.Equal(RepositoryRoot.Path.TrimEnd(Path.DirectorySeparatorChar),
                Path.GetFullPath(Path.Combine(RepositoryRoot.Path, process.Build.Context)).TrimEnd(Path.DirectorySeparatorChar));
        }

        Assert.Single(Processes.Select(p => p.Image).Distinct());
    }

    [Fact]
    public void EveryProcessSetting_FollowsTheOptionsNaming()
    {
        var offenders = Processes
            .SelectMany(p => p.Environment.Keys.Select(key => (Process: p.Name, Key: key)))
            .Where(e => !OptionsKey().IsMatch(e.Key))
            .Select(e => $"{e.Process}: {e.Key}");
        Assert.Empty(offenders);
    }

    [Fact]
    public void EveryProcess_IsConfiguredForTheRealServers()
    {
        string[] required =
        [
            "Kafka__BootstrapServers", "Kafka__SecurityProtocol", "SchemaRegistry__Url", "Redis__Configuration",
            "History__Store", "History__MongoUrl", "Search__Store", "Search__ElasticUrl",
            "Analytics__Store", "Analytics__ClickHouseUrl", "Media__Store", "Media__S3__ServiceUrl",
            "Media__S3__Bucket", "Media__S3__AccessKey", "Media__S3__SecretKey",
        ];
        foreach (var process in Processes)
        {
            var missing = required.Where(key => string.IsNullOrWhiteSpace(process.Environment.GetValueOrDefault(key)));
            Assert.True(!missing.Any(), $"{process.Name} lacks {string.Join(", ", missing)}.");
            Assert.Equal("mongo", process.Environment["History__Store"]);
            Assert.Equal("elasticsearch", process.Environment["Search__Store"]);
            Assert.Equal("clickhouse", process.Environment["Analytics__Store"]);
            Assert.Equal("s3", process.Environment["Media__Store"]);
        }
    }

    [Fact]
    public void EveryServerAProcessAddresses_IsAServiceInTheFile()
    {
        var dangling = new List<string>();
        foreach (var process in Processes)
        {
            foreach (var (key, value) in process.Environment)
            {
                foreach (var host in HostsIn(key, value))
                {
                    if (!Compose.Services.Values.Any(s => s.IsReachableAs(host)))
                    {
                        dangling.Add($"{process.Name} {key}: {host}");
                    }
                }
            }
        }

        Assert.Empty(dangling);
    }

    [Fact]
    public void MediaBucket_IsTheBucketMinioInitCreates()
    {
        var bucket = Assert.Single(Processes.Select(p => p.Environment["Media__S3__Bucket"]).Distinct());
        var script = string.Join('\n', Compose.Services["minio-init"].Command);
        Assert.Matches($@"mc mb [^\n]*\S+/{Regex.Escape(bucket)}(\s|$)", script);
    }

    [Fact]
    public void EveryHostCommand_IsDeployed()
    {
        string[] expected =
        [
            "edge", "gateway", "topology conversation", "topology fanout", "topology presence",
            "sink history", "sink search", "sink analytics", "notifications",
        ];
        var deployed = Processes.Select(p => CommandWithoutOptions(p.Command)).ToHashSet();
        Assert.Equal(expected.Order(), deployed.Order());
    }

    [Fact]
    public void Edges_HaveUniqueIds_AndTheGatewayRoutesToEveryEdge()
    {
        var edges = Processes.Where(p => p.Command.FirstOrDefault() == "edge").ToList();
        Assert.Equal(2, edges.Count);
        var ids = edges.Select(e => EdgeId(e.Command)).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());

        var gateway = Assert.Single(Processes, p => p.Command.FirstOrDefault() == "gateway");
        var routes = gateway.Environment.Where(e => GatewayEdgeKey().IsMatch(e.Key)).Select(e => new Uri(e.Value)).ToList();
        Assert.Equal(
            edges.Select(e => e.Name).Order(),
            routes.Select(r => Assert.Single(edges, e => e.IsReachableAs(r.Host)).Name).Order());
        Assert.All(routes, r => Assert.Equal(8080, r.Port));
    }

    [Fact]
    public void Gateway_PublishesPort8080()
    {
        var gateway = Assert.Single(Processes, p => p.Command.FirstOrDefault() == "gateway");
        Assert.Contains(new PortMapping(8080, 8080), gateway.Ports);
        var otherPublishers = Processes.Where(p => p != gateway && p.Ports.Any(port => port.HostPort is not null)).Select(p => p.Name);
        Assert.Empty(otherPublishers); // clients reach edges through the gateway only
    }

    private static IEnumerable<string> HostsIn(string key, string value)
    {
        if (key.EndsWith("BootstrapServers", StringComparison.Ordinal))
        {
            return KafkaAddress.ParseList(value).Select(a => a.Host);
        }

        if (key == "Redis__Configuration")
        {
            // StackExchange.Redis: comma-separated endpoints, plus options written as name=value.
            return value.Split(',', StringSplitOptions.TrimEntries).Where(part => !part.Contains('=')).Select(part => part.Split(':')[0]);
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "mongodb"
            ? [uri.Host]
            : [];
    }

    private static string CommandWithoutOptions(IReadOnlyList<string> command) =>
        string.Join(' ', command.TakeWhile(part => !part.StartsWith("--", StringComparison.Ordinal)));

    private static string EdgeId(IReadOnlyList<string> command)
    {
        var index = command.ToList().IndexOf("--id");
        Assert.True(index >= 0 && index + 1 < command.Count, $"edge command '{string.Join(' ', command)}' has no --id value.");
        return command[index + 1];
    }

    // Section__Key or Section__Sub__Key; .NET's configuration maps "__" to ":".
    [GeneratedRegex(@"^[A-Z][A-Za-z0-9]*(__[A-Za-z0-9]+)+$")]
    private static partial Regex OptionsKey();

    [GeneratedRegex(@"^Gateway__Edges__\d+$")]
    private static partial Regex GatewayEdgeKey();
}
