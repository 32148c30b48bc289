using ChatStreams.Kafka.Broker.Tests.Support;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ChatStreams.Kafka.Broker.Tests.Client;

/// <summary>The admin API through Confluent's AdminClient.</summary>
public sealed class AdminTests
{
    [Fact]
    public async Task Topics_are_created_described_grown_and_deleted()
    {
        await using var broker = await InProcessBroker.StartAsync();
        using var admin = broker.Admin();
        await admin.CreateTopicsAsync([
            new TopicSpecification { Name = "a", NumPartitions = 4, ReplicationFactor = 1 },
            new TopicSpecification { Name = "b", NumPartitions = 2, ReplicationFactor = -1, Configs = new() { ["cleanup.policy"] = "compact" } },
        ]);
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        Assert.Equal(4, metadata.Topics.Single(t => t.Topic == "a").Partitions.Count);
        Assert.Single(metadata.Brokers);

        var again = await Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = "a", NumPartitions = 1, ReplicationFactor = 1 }]));
        Assert.Equal(ErrorCode.TopicAlreadyExists, again.Results.Single().Error.Code);

        var tooMany = await Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = "c", NumPartitions = 1, ReplicationFactor = 3 }]));
        Assert.Equal(ErrorCode.InvalidReplicationFactor, tooMany.Results.Single().Error.Code);
        Assert.Contains("single node", tooMany.Results.Single().Error.Reason);

        await admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "a", IncreaseTo = 6 }]);
        Assert.Equal(6, admin.GetMetadata("a", TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count);

        var configs = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = "b" }]);
        var policy = configs.Single().Entries["cleanup.policy"];
        Assert.Equal("compact", policy.Value);
        Assert.Equal(ConfigSource.DynamicTopicConfig, policy.Source);
        Assert.True(configs.Single().Entries.ContainsKey("retention.ms"));

        await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [new ConfigResource { Type = ResourceType.Topic, Name = "b" }] =
                [new ConfigEntry { Name = "retention.ms", Value = "3600000", IncrementalOperation = AlterConfigOpType.Set }],
        });
        configs = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = "b" }]);
        Assert.Equal("3600000", configs.Single().Entries["retention.ms"].Value);

        await admin.DeleteTopicsAsync(["a"]);
        Assert.DoesNotContain(admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics, t => t.Topic == "a" && t.Error.Code == ErrorCode.NoError);
        // Topic state survives a restart, the deleted topic stays deleted.
        await broker.RestartAsync();
        using var admin2 = broker.Admin();
        var topics = admin2.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic).ToList();
        Assert.Contains("b", topics);
        Assert.DoesNotContain("a", topics);
    }

    [Fact]
    public async Task Invalid_topic_names_and_configs_are_refused_with_reasons()
    {
        await using var broker = await InProcessBroker.StartAsync();
        using var admin = broker.Admin();
        var badName = await Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = "bad name!", NumPartitions = 1, ReplicationFactor = 1 }]));
        Assert.Equal(ErrorCode.TopicException, badName.Results.Single().Error.Code);
        var badConfig = await Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = "ok", NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["retention.ms"] = "soon" } }]));
        Assert.Equal(ErrorCode.InvalidConfig, badConfig.Results.Single().Error.Code);
        Assert.Contains("retention.ms", badConfig.Results.Single().Error.Reason);
        var typo = await Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = "ok", NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["retention.msec"] = "1000" } }]));
        Assert.Equal(ErrorCode.InvalidConfig, typo.Results.Single().Error.Code);
        Assert.Contains("retention.msec", typo.Results.Single().Error.Reason);
        // Replication settings are accepted (a config written for a real cluster works here) and reported back.
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "ok", NumPartitions = 1, ReplicationFactor = 1, Configs = new() { ["min.insync.replicas"] = "2" } }]);
    }

    [Fact]
    public async Task Delete_records_moves_the_log_start()
    {
        await using var broker = await InProcessBroker.StartAsync();
        await broker.CreateTopicAsync("trim", 1);
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            for (var i = 0; i < 50; i++) producer.Produce("trim", new Message<Null, string> { Value = $"{i}" });
            producer.Flush(TimeSpan.FromSeconds(10));
        }
        using var admin = broker.Admin();
        var result = await admin.DeleteRecordsAsync([new TopicPartitionOffset("trim", 0, 20)]);
        Assert.Equal(20, result.Single().Offset.Value);
        using var consumer = new ConsumerBuilder<Null, string>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "g" }).Build();
        Assert.Equal(20, consumer.QueryWatermarkOffsets(new TopicPartition("trim", 0), TimeSpan.FromSeconds(10)).Low.Value);
        consumer.Assign(new TopicPartitionOffset("trim", 0, Offset.Beginning));
        var first = consumer.Consume(TimeSpan.FromSeconds(10));
        Assert.Equal("20", first.Message.Value);
    }
}
