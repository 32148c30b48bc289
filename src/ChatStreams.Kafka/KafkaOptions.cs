namespace ChatStreams.Kafka;

/// <summary>
/// How every ChatStreams process reaches Kafka (configuration section "Kafka", env vars Kafka__BootstrapServers …).
/// The embedded broker needs only BootstrapServers; a real cluster adds security settings here.
/// </summary>
public sealed class KafkaOptions
{
    public const string Section = "Kafka";

    public string BootstrapServers { get; set; } = "127.0.0.1:9092";

    /// <summary>plaintext, ssl, sasl_plaintext or sasl_ssl.</summary>
    public string SecurityProtocol { get; set; } = "plaintext";

    /// <summary>PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 (with a sasl_* protocol).</summary>
    public string? SaslMechanism { get; set; }
    public string? SaslUsername { get; set; }
    public string? SaslPassword { get; set; }
    public string? SslCaLocation { get; set; }

    /// <summary>Prefix of every client.id, so broker logs and quotas can tell our processes apart.</summary>
    public string ClientIdPrefix { get; set; } = "chatstreams";

    /// <summary>Any other librdkafka property, applied last (e.g. "socket.keepalive.enable": "true").</summary>
    public Dictionary<string, string> Extra { get; set; } = new();
}
