using ChatStreams.Deployment.Tests.Model;

namespace ChatStreams.Deployment.Tests;

/// <summary>The deployment files under test, read once per test run.</summary>
public static class DeploymentFiles
{
    public const string ComposeFileName = "docker-compose.kafka.yml";

    private static readonly Lazy<ComposeFile> ComposeFile = new(() => Model.ComposeFile.Load(RepositoryRoot.File(ComposeFileName)));

    private static readonly Lazy<Dockerfile> Dockerfile = new(() => Model.Dockerfile.Load(RepositoryRoot.File("Dockerfile")));

    public static ComposeFile Compose => ComposeFile.Value;

    public static Dockerfile HostImage => Dockerfile.Value;

    public static IReadOnlyList<KafkaNode> KafkaNodes => KafkaNode.In(Compose);

    public static IReadOnlyList<KafkaNode> Brokers => KafkaNodes.Where(n => n.IsBroker).ToList();
}
