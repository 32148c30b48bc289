using ChatStreams.Kafka.Broker.Cluster;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Kafka.Broker.Tests.Support;

/// <summary>A loaded topic catalog on a fresh directory, for tests that work on partitions directly; removed on dispose.</summary>
public sealed class TestCatalog : IDisposable
{
    private readonly TempDirectory _directory = new();

    public TestCatalog()
    {
        Catalog = new TopicCatalog(new BrokerOptions { DataDirectory = _directory.Path }, TimeProvider.System, NullLoggerFactory.Instance);
        Catalog.Load();
    }

    public TopicCatalog Catalog { get; }

    /// <summary>Creates <paramref name="topic"/> with <paramref name="partitions"/> partitions and returns them.</summary>
    public IReadOnlyList<Partition> Create(string topic, int partitions)
    {
        Assert.Equal(TopicCatalog.Result.Ok, Catalog.Create(topic, partitions, new Dictionary<string, string?>(), validateOnly: false));
        return Enumerable.Range(0, partitions).Select(p => Catalog.Find(topic)!.Partition(p)!).ToList();
    }

    public void Dispose()
    {
        Catalog.Dispose();
        _directory.Dispose();
    }
}
