using System.Globalization;

namespace ChatStreams.Deployment.Tests.Model;

/// <summary>A Kafka KRaft node as configured through the apache/kafka image's KAFKA_* environment variables.</summary>
public sealed class KafkaNode
{
    private KafkaNode(ComposeService service)
    {
        Service = service;
        var env = service.Environment;
        NodeId = int.Parse(Required(service, "KAFKA_NODE_ID"), CultureInfo.InvariantCulture);
        Roles = Required(service, "KAFKA_PROCESS_ROLES").Split(',', StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        Listeners = KafkaAddress.ParseList(Required(service, "KAFKA_LISTENERS"));
        AdvertisedListeners = env.TryGetValue("KAFKA_ADVERTISED_LISTENERS", out var advertised) ? KafkaAddress.ParseList(advertised) : [];
        ControllerListenerNames = Required(service, "KAFKA_CONTROLLER_LISTENER_NAMES").Split(',', StringSplitOptions.TrimEntries);
        QuorumVotersText = Required(service, "KAFKA_CONTROLLER_QUORUM_VOTERS");
        QuorumVoters = QuorumVoter.ParseList(QuorumVotersText);
        ClusterId = env.GetValueOrDefault("CLUSTER_ID");
    }

    public ComposeService Service { get; }

    public int NodeId { get; }

    public IReadOnlySet<string> Roles { get; }

    public bool IsBroker => Roles.Contains("broker");

    public bool IsController => Roles.Contains("controller");

    public IReadOnlyList<KafkaAddress> Listeners { get; }

    public IReadOnlyList<KafkaAddress> AdvertisedListeners { get; }

    public IReadOnlyList<string> ControllerListenerNames { get; }

    public string QuorumVotersText { get; }

    public IReadOnlyList<QuorumVoter> QuorumVoters { get; }

    public string? ClusterId { get; }

    /// <summary>A node is any service that sets the KRaft process roles.</summary>
    public static bool IsKafkaNode(ComposeService service) => service.Environment.ContainsKey("KAFKA_PROCESS_ROLES");

    public static IReadOnlyList<KafkaNode> In(ComposeFile compose) =>
        compose.Services.Values.Where(IsKafkaNode).Select(s => new KafkaNode(s)).OrderBy(n => n.NodeId).ToList();

    public int PortOf(string listenerName) =>
        Listeners.SingleOrDefault(l => l.Listener == listenerName)?.Port
        ?? throw new InvalidOperationException($"{Service.Name} has no listener named {listenerName} in KAFKA_LISTENERS.");

    private static string Required(ComposeService service, string key) =>
        service.Environment.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value)
            ? value
            : throw new InvalidOperationException($"Kafka node {service.Name} does not set {key}.");
}
