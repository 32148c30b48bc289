using System.Text;
using ChatStreams.Bench.Native;
using Confluent.Kafka;

namespace ChatStreams.Bench.Tests;

/// <summary>The real librdkafka mock cluster, loaded by P/Invoke, with real Confluent.Kafka clients against it.</summary>
public class MockClusterTests
{
    [Fact]
    public void Produced_records_are_consumed_back_from_a_created_topic()
    {
        using var cluster = MockCluster.Start();
        Assert.Matches(@"^127\.0\.0\.1:\d+$", cluster.BootstrapServers);
        const string topic = "mock-roundtrip";
        cluster.CreateTopic(topic, partitions: 3);

        var sent = Enumerable.Range(0, 10).Select(i => $"record-{i}").ToList();
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig
               {
                   BootstrapServers = cluster.BootstrapServers,
                   EnableIdempotence = true,
                   Acks = Acks.All,
               }).Build())
        {
            for (var i = 0; i < sent.Count; i++)
                producer.Produce(new TopicPartition(topic, i % 3), new Message<Null, string> { Value = sent[i] },
                    report => Assert.False(report.Error.IsError, report.Error.Reason));
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = "mock-roundtrip-test",
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var received = new List<(int Partition, string Value)>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (received.Count < sent.Count && DateTime.UtcNow < deadline)
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } result)
                received.Add((result.Partition.Value, result.Message.Value));
        consumer.Close();

        Assert.Equal(sent.Order(), received.Select(r => r.Value).Order());
        // Round-robin by index: record i went to partition i % 3.
        Assert.All(received, r => Assert.Equal(int.Parse(r.Value["record-".Length..]) % 3, r.Partition));
    }

    [Fact]
    public void Two_clusters_listen_on_different_ports_and_topics_need_positive_partitions()
    {
        using var first = MockCluster.Start();
        using var second = MockCluster.Start();
        Assert.NotEqual(first.BootstrapServers, second.BootstrapServers);
        Assert.Throws<ArgumentOutOfRangeException>(() => first.CreateTopic("zero", 0));
    }

    [Fact]
    public void Reports_the_librdkafka_version_the_clients_use() =>
        Assert.Equal(Library.VersionString, MockCluster.LibraryVersion);

    [Fact]
    public void Disposed_cluster_refuses_topics()
    {
        var cluster = MockCluster.Start();
        cluster.Dispose();
        Assert.Throws<ObjectDisposedException>(() => cluster.CreateTopic("late", 1));
    }
}
