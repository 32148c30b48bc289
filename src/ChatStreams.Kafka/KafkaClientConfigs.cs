using Confluent.Kafka;

namespace ChatStreams.Kafka;

/// <summary>
/// The one place that turns <see cref="KafkaOptions"/> into client configs with the project's defaults:
/// producers are idempotent with acks=all (an edge acks a send only after Kafka has it durably);
/// consumers read committed data only and never auto-commit (offsets are committed after the work is done).
/// </summary>
public static class KafkaClientConfigs
{
    public static ProducerConfig Producer(KafkaOptions options, string clientName)
    {
        var config = new ProducerConfig
        {
            EnableIdempotence = true,
            Acks = Acks.All,
            MaxInFlight = 5,
            LingerMs = 5,
            CompressionType = CompressionType.Lz4,
            MessageSendMaxRetries = int.MaxValue,
            // Murmur2 like the Java client, so keys land on the same partitions whatever wrote them.
            Partitioner = Partitioner.Murmur2Random,
        };
        return Apply(config, options, clientName);
    }

    /// <summary>A transactional producer for exactly-once processing (one per stream thread).</summary>
    public static ProducerConfig TransactionalProducer(KafkaOptions options, string clientName, string transactionalId)
    {
        var config = Producer(options, clientName);
        config.TransactionalId = transactionalId;
        config.TransactionTimeoutMs = 60_000;
        return config;
    }

    public static ConsumerConfig Consumer(KafkaOptions options, string clientName, string groupId)
    {
        var config = new ConsumerConfig
        {
            GroupId = groupId,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            IsolationLevel = IsolationLevel.ReadCommitted,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
            // A killed member keeps its partitions, unread, until its session times out: a restarted edge would get no
            // deliveries and a restarted sink would land nothing for that long. 10 s (heartbeat every 2.5 s), not 30–45 s.
            SessionTimeoutMs = 10_000,
            HeartbeatIntervalMs = 2_500,
            // A consumer postpones its first JoinGroup until it has metadata for its subscription. When the connection
            // breaks under that metadata request, librdkafka 2.16 asks again only at the next periodic refresh (5 min by
            // default): a topology thread starting while the broker dropped connections sat unassigned that long. Every
            // 10 s is one small request per consumer.
            TopicMetadataRefreshIntervalMs = 10_000,
        };
        return Apply(config, options, clientName);
    }

    public static AdminClientConfig Admin(KafkaOptions options, string clientName) =>
        Apply(new AdminClientConfig(), options, clientName);

    private static T Apply<T>(T config, KafkaOptions options, string clientName) where T : ClientConfig
    {
        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
            throw new InvalidOperationException("Kafka:BootstrapServers is empty: set it (e.g. env var Kafka__BootstrapServers=host:9092)");
        config.BootstrapServers = options.BootstrapServers;
        config.ClientId = $"{options.ClientIdPrefix}-{clientName}";
        config.SecurityProtocol = ParseSecurityProtocol(options.SecurityProtocol);
        if (options.SaslMechanism is { } mechanism)
        {
            config.SaslMechanism = mechanism.ToUpperInvariant() switch
            {
                "PLAIN" => SaslMechanism.Plain,
                "SCRAM-SHA-256" => SaslMechanism.ScramSha256,
                "SCRAM-SHA-512" => SaslMechanism.ScramSha512,
                _ => throw new InvalidOperationException($"Kafka:SaslMechanism '{mechanism}' is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512"),
            };
            config.SaslUsername = options.SaslUsername;
            config.SaslPassword = options.SaslPassword;
        }
        if (options.SslCaLocation is { } ca) config.SslCaLocation = ca;
        foreach (var (key, value) in options.Extra) config.Set(key, value);
        return config;
    }

    private static SecurityProtocol ParseSecurityProtocol(string value) => value.ToLowerInvariant().Replace('-', '_') switch
    {
        "plaintext" => SecurityProtocol.Plaintext,
        "ssl" => SecurityProtocol.Ssl,
        "sasl_plaintext" => SecurityProtocol.SaslPlaintext,
        "sasl_ssl" => SecurityProtocol.SaslSsl,
        _ => throw new InvalidOperationException($"Kafka:SecurityProtocol '{value}' is not one of plaintext, ssl, sasl_plaintext, sasl_ssl"),
    };
}
