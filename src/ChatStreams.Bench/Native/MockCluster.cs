using System.Runtime.InteropServices;
using System.Text;

namespace ChatStreams.Bench.Native;

/// <summary>
/// librdkafka's in-memory mock Kafka cluster, created through librdkafka's C API (Confluent.Kafka does not
/// expose it). It listens on loopback; any Kafka client can use <see cref="BootstrapServers"/>. It has no
/// admin API, so topics are made with <see cref="CreateTopic"/>, and it keeps at most 5 MiB per partition.
/// </summary>
public sealed unsafe class MockCluster : IDisposable
{
    /// <summary>Per-partition bytes the mock keeps before dropping its oldest batches (rdkafka_mock.c).</summary>
    public const long PartitionCapacityBytes = 5L * 1024 * 1024;

    private readonly LibrdkafkaExports _rd;
    private IntPtr _client;
    private IntPtr _cluster;

    private MockCluster(LibrdkafkaExports rd, IntPtr client, IntPtr cluster, string bootstrapServers)
    {
        _rd = rd;
        _client = client;
        _cluster = cluster;
        BootstrapServers = bootstrapServers;
    }

    public string BootstrapServers { get; }

    /// <summary>Version of the librdkafka that runs the mock (rd_kafka_version_str).</summary>
    public static string LibraryVersion => LibrdkafkaExports.Instance.Version;

    /// <summary>Starts a mock cluster with <paramref name="brokers"/> brokers on loopback ports.</summary>
    public static MockCluster Start(int brokers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        var rd = LibrdkafkaExports.Instance;
        var conf = rd.ConfNew();
        var errors = stackalloc byte[512];
        // The mock needs an rd_kafka_t of its own for bookkeeping. That client has no bootstrap servers and
        // would say so on stderr; errors only keep the benchmark's output readable.
        SetConf(rd, conf, "log_level", "3", errors);
        var client = rd.New(LibrdkafkaExports.ProducerType, conf, errors, 512);
        if (client == IntPtr.Zero)
        {
            rd.ConfDestroy(conf); // rd_kafka_new keeps conf only on success
            throw new InvalidOperationException($"rd_kafka_new failed: {Marshal.PtrToStringUTF8((IntPtr)errors)}");
        }
        var cluster = rd.MockClusterNew(client, brokers);
        if (cluster == IntPtr.Zero)
        {
            rd.Destroy(client);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed (it could not open its loopback listeners).");
        }
        var bootstrap = Marshal.PtrToStringUTF8((IntPtr)rd.MockClusterBootstraps(cluster)) ?? "";
        return new MockCluster(rd, client, cluster, bootstrap);
    }

    /// <summary>Creates <paramref name="topic"/> with <paramref name="partitions"/> partitions, replication factor 1.</summary>
    public void CreateTopic(string topic, int partitions)
    {
        ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        var name = Encoding.UTF8.GetBytes(topic + "\0");
        int error;
        fixed (byte* namePointer = name) error = _rd.MockTopicCreate(_cluster, namePointer, partitions, 1);
        if (error != 0)
            throw new InvalidOperationException($"The mock cluster refused to create topic '{topic}': {_rd.DescribeError(error)}");
    }

    public void Dispose()
    {
        // The cluster belongs to the client instance: destroy it first, then the client.
        if (_cluster != IntPtr.Zero) _rd.MockClusterDestroy(_cluster);
        if (_client != IntPtr.Zero) _rd.Destroy(_client);
        _cluster = IntPtr.Zero;
        _client = IntPtr.Zero;
    }

    private static void SetConf(LibrdkafkaExports rd, IntPtr conf, string name, string value, byte* errors)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        var valueBytes = Encoding.UTF8.GetBytes(value + "\0");
        int result;
        fixed (byte* n = nameBytes)
        fixed (byte* v = valueBytes)
            result = rd.ConfSet(conf, n, v, errors, 512);
        if (result != 0) // RD_KAFKA_CONF_OK
            throw new InvalidOperationException($"rd_kafka_conf_set({name}={value}) failed: {Marshal.PtrToStringUTF8((IntPtr)errors)}");
    }
}
