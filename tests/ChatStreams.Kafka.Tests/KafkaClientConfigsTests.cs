using ChatStreams.Kafka;
using Confluent.Kafka;

namespace ChatStreams.Kafka.Tests;

public sealed class KafkaClientConfigsTests
{
    [Fact]
    public void Producers_are_idempotent_with_acks_all_and_java_compatible_partitioning()
    {
        var config = KafkaClientConfigs.Producer(new KafkaOptions { BootstrapServers = "k1:9092,k2:9092" }, "edge-0");
        Assert.True(config.EnableIdempotence);
        Assert.Equal(Acks.All, config.Acks);
        Assert.Equal(Partitioner.Murmur2Random, config.Partitioner);
        Assert.Equal("k1:9092,k2:9092", config.BootstrapServers);
        Assert.Equal("chatstreams-edge-0", config.ClientId);
    }

    [Fact]
    public void Consumers_read_committed_and_never_auto_commit()
    {
        var config = KafkaClientConfigs.Consumer(new KafkaOptions(), "sink", "history");
        Assert.Equal(IsolationLevel.ReadCommitted, config.IsolationLevel);
        Assert.False(config.EnableAutoCommit);
        Assert.Equal("history", config.GroupId);
    }

    [Fact]
    public void Transactional_producers_carry_their_id()
    {
        var config = KafkaClientConfigs.TransactionalProducer(new KafkaOptions(), "conv", "conversation-0");
        Assert.Equal("conversation-0", config.TransactionalId);
        Assert.True(config.EnableIdempotence);
    }

    [Fact]
    public void Security_settings_map_to_librdkafka_and_extra_properties_apply_last()
    {
        var options = new KafkaOptions
        {
            SecurityProtocol = "SASL_SSL", SaslMechanism = "scram-sha-512", SaslUsername = "u", SaslPassword = "p",
            Extra = { ["socket.keepalive.enable"] = "true", ["linger.ms"] = "20" },
        };
        var config = KafkaClientConfigs.Producer(options, "x");
        Assert.Equal(SecurityProtocol.SaslSsl, config.SecurityProtocol);
        Assert.Equal(SaslMechanism.ScramSha512, config.SaslMechanism);
        Assert.Equal("true", config.Get("socket.keepalive.enable"));
        Assert.Equal(20, config.LingerMs);
    }

    [Theory]
    [InlineData("", null, "BootstrapServers")]
    [InlineData("k:9092", "tls", "SecurityProtocol")]
    public void Bad_settings_fail_with_the_setting_named(string bootstrap, string? protocol, string named)
    {
        var options = new KafkaOptions { BootstrapServers = bootstrap, SecurityProtocol = protocol ?? "plaintext" };
        var error = Assert.Throws<InvalidOperationException>(() => KafkaClientConfigs.Consumer(options, "x", "g"));
        Assert.Contains(named, error.Message);
    }
}
