using System.Globalization;
using ChatStreams.Deployment.Tests.Model;

namespace ChatStreams.Deployment.Tests;

/// <summary>The KRaft cluster in docker-compose.kafka.yml is one consistent cluster that clients can reach.</summary>
public sealed class KafkaClusterTests
{
    private static IReadOnlyList<KafkaNode> Nodes => DeploymentFiles.KafkaNodes;

    private static IReadOnlyList<KafkaNode> Brokers => DeploymentFiles.Brokers;

    [Fact]
    public void Cluster_HasThreeBrokers()
    {
        Assert.Equal(3, Brokers.Count);
    }

    [Fact]
    public void NodeIds_AreUnique()
    {
        var duplicates = Nodes.GroupBy(n => n.NodeId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(n => n.Service.Name))}");
        Assert.Empty(duplicates);
    }

    [Fact]
    public void EveryNode_NamesTheSameQuorumVoters_AndTheSameClusterId()
    {
        Assert.Single(Nodes.Select(n => n.QuorumVotersText).Distinct());
        Assert.Single(Nodes.Select(n => n.ClusterId).Distinct());
        Assert.False(string.IsNullOrWhiteSpace(Nodes[0].ClusterId), "CLUSTER_ID must be set so every node formats its storage for one cluster.");
    }

    [Fact]
    public void QuorumVoters_AreExactlyTheControllers_AtTheirControllerListeners()
    {
        var controllers = Nodes.Where(n => n.IsController).ToDictionary(n => n.NodeId);
        Assert.NotEmpty(controllers);
        var voters = Nodes[0].QuorumVoters;

        Assert.Equal(controllers.Keys.Order(), voters.Select(v => v.NodeId).Order());
        foreach (var voter in voters)
        {
            var controller = controllers[voter.NodeId];
            Assert.True(controller.Service.IsReachableAs(voter.Host),
                $"Voter {voter.NodeId}@{voter.Host}:{voter.Port} must name service {controller.Service.Name}, the node with id {voter.NodeId}.");
            var controllerListener = Assert.Single(controller.ControllerListenerNames);
            Assert.Equal(controller.PortOf(controllerListener), voter.Port);
        }
    }

    [Fact]
    public void EveryBroker_AdvertisesItsInterBrokerListener_UnderItsServiceName()
    {
        foreach (var broker in Brokers)
        {
            var listenerName = broker.Service.Environment.GetValueOrDefault("KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT");
            var advertised = broker.AdvertisedListeners.SingleOrDefault(l => l.Listener == listenerName);
            Assert.True(advertised is not null, $"{broker.Service.Name} does not advertise its inter-broker listener {listenerName}.");
            Assert.True(broker.Service.IsReachableAs(advertised.Host),
                $"{broker.Service.Name} advertises {listenerName} as {advertised.Host}, which other containers cannot resolve to it.");
            Assert.Equal(broker.PortOf(listenerName), advertised.Port);
        }
    }

    [Fact]
    public void EveryBroker_PublishesOneLocalhostListener_OnTheHostPortItAdvertises()
    {
        var hostPorts = new List<int>();
        foreach (var broker in Brokers)
        {
            var external = broker.AdvertisedListeners.Where(l => l.Host == "localhost").ToList();
            var listener = Assert.Single(external);
            var published = broker.Service.Ports.SingleOrDefault(p => p.HostPort == listener.Port);
            Assert.True(published is not null,
                $"{broker.Service.Name} advertises localhost:{listener.Port} but does not publish host port {listener.Port}.");
            Assert.Equal(broker.PortOf(listener.Listener!), published.ContainerPort);
            hostPorts.Add(listener.Port);
        }

        Assert.Equal(hostPorts.Count, hostPorts.Distinct().Count());
    }

    [Fact]
    public void EveryBootstrapList_NamesEveryBroker_OnItsInterBrokerListener()
    {
        var lists = DeploymentFiles.Compose.Services.Values
            .SelectMany(s => s.Environment
                .Where(e => e.Key.Contains("BOOTSTRAP", StringComparison.OrdinalIgnoreCase))
                .Select(e => (Service: s.Name, e.Key, e.Value)))
            .ToList();
        Assert.NotEmpty(lists);

        foreach (var (service, key, value) in lists)
        {
            var named = new HashSet<string>();
            foreach (var address in KafkaAddress.ParseList(value))
            {
                var broker = Brokers.SingleOrDefault(b => b.Service.IsReachableAs(address.Host));
                Assert.True(broker is not null, $"{service} {key} names {address.Host}, which is no broker service.");
                var internalListener = broker.Service.Environment.GetValueOrDefault("KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT");
                Assert.True(broker.PortOf(internalListener) == address.Port,
                    $"{service} {key} names {address.Host}:{address.Port}, but {broker.Service.Name} serves containers on port {broker.PortOf(internalListener)}.");
                named.Add(broker.Service.Name);
            }

            // A list naming one broker fails to start whenever that broker is down.
            Assert.True(named.SetEquals(Brokers.Select(b => b.Service.Name)), $"{service} {key} = {value} does not name every broker.");
        }
    }

    [Fact]
    public void EveryReplicationFactor_FitsTheBrokerCount()
    {
        var factors = AllSettingsEndingWith("REPLICATION_FACTOR");
        Assert.NotEmpty(factors);
        var tooHigh = factors.Where(f => f.Value > Brokers.Count || f.Value < 1).Select(f => $"{f.Where} = {f.Value}");
        Assert.Empty(tooHigh);
    }

    [Fact]
    public void EveryMinInSyncReplicas_NeedsTwoCopies_AndSurvivesOneBrokerDown()
    {
        var minimums = AllSettingsEndingWith("MIN_INSYNC_REPLICAS").Concat(AllSettingsEndingWith("MIN_ISR")).ToList();
        Assert.NotEmpty(minimums);
        var wrong = minimums.Where(m => m.Value < 2 || m.Value > Brokers.Count - 1).Select(m => $"{m.Where} = {m.Value}");
        Assert.Empty(wrong);
    }

    private static List<(string Where, int Value)> AllSettingsEndingWith(string suffix) =>
        DeploymentFiles.Compose.Services.Values
            .SelectMany(s => s.Environment
                .Where(e => e.Key.EndsWith(suffix, StringComparison.Ordinal))
                .Select(e => (Where: $"{s.Name} {e.Key}", Value: int.Parse(e.Value, CultureInfo.InvariantCulture))))
            .ToList();
}
