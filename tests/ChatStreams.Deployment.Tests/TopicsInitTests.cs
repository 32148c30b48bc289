using System.Globalization;
using System.Text.RegularExpressions;
using ChatStreams.Deployment.Tests.Model;

namespace ChatStreams.Deployment.Tests;

/// <summary>The topics-init job creates the chat topics with the settings the pipeline relies on.</summary>
public sealed partial class TopicsInitTests
{
    private static readonly string[] CompactedTopics = ["chat.sessions", "chat.presence"];

    private static readonly string[] ChatTopics =
        ["chat.commands", "chat.events", "chat.sessions", "chat.receipts", "chat.presence", "chat.notifications"];

    private static ComposeService TopicsInit =>
        DeploymentFiles.Compose.Services.TryGetValue("topics-init", out var service)
            ? service
            : throw new InvalidOperationException("docker-compose.kafka.yml has no topics-init service.");

    private static string Script => Assert.Single(TopicsInit.Command);

    [Fact]
    public void TopicsInit_UsesTheKafkaImage_AndWaitsForEveryBrokerToBeHealthy()
    {
        var brokerImages = DeploymentFiles.Brokers.Select(b => b.Service.Image).Distinct();
        Assert.Equal(Assert.Single(brokerImages), TopicsInit.Image);
        foreach (var broker in DeploymentFiles.Brokers)
        {
            Assert.Equal("service_healthy", TopicsInit.DependsOn.GetValueOrDefault(broker.Service.Name));
        }
    }

    [Fact]
    public void TopicsInit_CreatesEveryChatTopic_CompactingOnlySessionsAndPresence()
    {
        var created = CreateTopicCalls().ToDictionary(c => c.Topic, c => c.Arguments);
        Assert.Equal(ChatTopics.Order(), created.Keys.Order());
        foreach (var (topic, arguments) in created)
        {
            Assert.Equal(CompactedTopics.Contains(topic), arguments.Contains("cleanup.policy=compact", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void TopicsInit_Creates12Partitions_Replicated3Times_WithMinInSyncReplicas2()
    {
        var env = TopicsInit.Environment;
        Assert.Equal(12, int.Parse(env["PARTITIONS"], CultureInfo.InvariantCulture));
        Assert.Equal(3, int.Parse(env["REPLICATION_FACTOR"], CultureInfo.InvariantCulture));
        Assert.Equal(2, int.Parse(env["MIN_INSYNC_REPLICAS"], CultureInfo.InvariantCulture));

        // The numbers above matter only if the create call passes them on ($$ is compose's escaped $).
        Assert.Contains("--partitions \"$$PARTITIONS\"", Script, StringComparison.Ordinal);
        Assert.Contains("--replication-factor \"$$REPLICATION_FACTOR\"", Script, StringComparison.Ordinal);
        Assert.Contains("min.insync.replicas=\"$$MIN_INSYNC_REPLICAS\"", Script, StringComparison.Ordinal);
        Assert.Contains("--if-not-exists", Script, StringComparison.Ordinal);
    }

    [Fact]
    public void The_processes_create_and_join_topics_with_the_partition_counts_topics_init_creates()
    {
        // The built-in default (4) is sized for one machine; a process left on it here would create its repartition
        // topics with 4 partitions beside a chat.sessions of 12 and join them wrongly.
        var partitions = TopicsInit.Environment["PARTITIONS"];
        var processes = DeploymentFiles.Compose.WithRole(ServiceRoles.Process).ToList();
        Assert.NotEmpty(processes);
        foreach (var process in processes)
            foreach (var key in new[] { "Commands", "Events", "Receipts", "Sessions", "Presence", "Notifications", "Delivery" })
                Assert.Equal(partitions, process.Environment.GetValueOrDefault($"Topics__{key}__Partitions"));
    }

    private static IEnumerable<(string Topic, string Arguments)> CreateTopicCalls() =>
        CreateTopicCall().Matches(Script).Select(m => (m.Groups["topic"].Value, m.Groups["arguments"].Value));

    [GeneratedRegex(@"^\s*create_topic\s+(?<topic>\S+)(?<arguments>[^\n]*)$", RegexOptions.Multiline)]
    private static partial Regex CreateTopicCall();
}
