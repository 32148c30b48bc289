using ChatStreams.Streams.Runtime;
using Confluent.Kafka;

namespace ChatStreams.Streams.Testing;

/// <summary>The tasks' collector inside the driver: everything sent goes to the driver's in-memory topics.</summary>
internal sealed class DriverRecordCollector(TopologyTestDriver driver) : IRecordCollector
{
    public void Send(string topic, int? partition, byte[]? key, byte[]? value, Headers? headers, long timestamp) =>
        driver.Written(topic, partition, key, value, headers, timestamp);
}
