namespace ChatStreams.Bench.BrokerBench;

/// <summary>A Kafka endpoint the benchmark produces to and consumes from.</summary>
public interface IBenchTarget : IAsyncDisposable
{
    /// <summary>Name in the results table.</summary>
    string Name { get; }

    string BootstrapServers { get; }

    Task CreateTopicAsync(string topic, int partitions);
}
