using ChatStreams.Bench.Native;

namespace ChatStreams.Bench.BrokerBench;

/// <summary>librdkafka's in-memory mock cluster with one broker: the reference point (no disk, no fsync).</summary>
public sealed class MockClusterTarget(string name, MockCluster cluster) : IBenchTarget
{
    public string Name { get; } = name;
    public string BootstrapServers => cluster.BootstrapServers;

    public static MockClusterTarget Start(string name) => new(name, MockCluster.Start(brokers: 1));

    public Task CreateTopicAsync(string topic, int partitions)
    {
        cluster.CreateTopic(topic, partitions);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        cluster.Dispose();
        return ValueTask.CompletedTask;
    }
}
