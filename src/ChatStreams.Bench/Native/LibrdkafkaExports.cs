using System.Runtime.InteropServices;

namespace ChatStreams.Bench.Native;

/// <summary>
/// The few librdkafka C functions the mock cluster needs, bound once by name from the loaded library
/// (signatures from rdkafka.h and rdkafka_mock.h).
/// </summary>
internal sealed unsafe class LibrdkafkaExports
{
    /// <summary>rd_kafka_type_t RD_KAFKA_PRODUCER.</summary>
    public const int ProducerType = 0;

    private static readonly Lazy<LibrdkafkaExports> Loaded = new(() => new LibrdkafkaExports(LibrdkafkaLocator.Load()));

    public static LibrdkafkaExports Instance => Loaded.Value;

    // rd_kafka_conf_t *rd_kafka_conf_new(void)
    public readonly delegate* unmanaged[Cdecl]<IntPtr> ConfNew;
    // void rd_kafka_conf_destroy(rd_kafka_conf_t *conf)
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> ConfDestroy;
    // rd_kafka_conf_res_t rd_kafka_conf_set(rd_kafka_conf_t *conf, const char *name, const char *value, char *errstr, size_t errstr_size)
    public readonly delegate* unmanaged[Cdecl]<IntPtr, byte*, byte*, byte*, nuint, int> ConfSet;
    // rd_kafka_t *rd_kafka_new(rd_kafka_type_t type, rd_kafka_conf_t *conf, char *errstr, size_t errstr_size)
    public readonly delegate* unmanaged[Cdecl]<int, IntPtr, byte*, nuint, IntPtr> New;
    // void rd_kafka_destroy(rd_kafka_t *rk)
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> Destroy;
    // const char *rd_kafka_err2str(rd_kafka_resp_err_t err)
    public readonly delegate* unmanaged[Cdecl]<int, byte*> ErrorText;
    // const char *rd_kafka_version_str(void)
    public readonly delegate* unmanaged[Cdecl]<byte*> VersionText;
    // rd_kafka_mock_cluster_t *rd_kafka_mock_cluster_new(rd_kafka_t *rk, int broker_cnt)
    public readonly delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr> MockClusterNew;
    // void rd_kafka_mock_cluster_destroy(rd_kafka_mock_cluster_t *mcluster)
    public readonly delegate* unmanaged[Cdecl]<IntPtr, void> MockClusterDestroy;
    // const char *rd_kafka_mock_cluster_bootstraps(const rd_kafka_mock_cluster_t *mcluster)
    public readonly delegate* unmanaged[Cdecl]<IntPtr, byte*> MockClusterBootstraps;
    // rd_kafka_resp_err_t rd_kafka_mock_topic_create(rd_kafka_mock_cluster_t *mcluster, const char *topic, int partition_cnt, int replication_factor)
    public readonly delegate* unmanaged[Cdecl]<IntPtr, byte*, int, int, int> MockTopicCreate;

    private LibrdkafkaExports(IntPtr library)
    {
        ConfNew = (delegate* unmanaged[Cdecl]<IntPtr>)Export(library, "rd_kafka_conf_new");
        ConfDestroy = (delegate* unmanaged[Cdecl]<IntPtr, void>)Export(library, "rd_kafka_conf_destroy");
        ConfSet = (delegate* unmanaged[Cdecl]<IntPtr, byte*, byte*, byte*, nuint, int>)Export(library, "rd_kafka_conf_set");
        New = (delegate* unmanaged[Cdecl]<int, IntPtr, byte*, nuint, IntPtr>)Export(library, "rd_kafka_new");
        Destroy = (delegate* unmanaged[Cdecl]<IntPtr, void>)Export(library, "rd_kafka_destroy");
        ErrorText = (delegate* unmanaged[Cdecl]<int, byte*>)Export(library, "rd_kafka_err2str");
        VersionText = (delegate* unmanaged[Cdecl]<byte*>)Export(library, "rd_kafka_version_str");
        MockClusterNew = (delegate* unmanaged[Cdecl]<IntPtr, int, IntPtr>)Export(library, "rd_kafka_mock_cluster_new");
        MockClusterDestroy = (delegate* unmanaged[Cdecl]<IntPtr, void>)Export(library, "rd_kafka_mock_cluster_destroy");
        MockClusterBootstraps = (delegate* unmanaged[Cdecl]<IntPtr, byte*>)Export(library, "rd_kafka_mock_cluster_bootstraps");
        MockTopicCreate = (delegate* unmanaged[Cdecl]<IntPtr, byte*, int, int, int>)Export(library, "rd_kafka_mock_topic_create");
    }

    public string Version => Marshal.PtrToStringUTF8((IntPtr)VersionText()) ?? "unknown";

    public string DescribeError(int code) => $"{Marshal.PtrToStringUTF8((IntPtr)ErrorText(code))} (error {code})";

    private static IntPtr Export(IntPtr library, string name) =>
        NativeLibrary.TryGetExport(library, name, out var address)
            ? address
            : throw new EntryPointNotFoundException($"The loaded librdkafka has no function {name}: it is too old or built without the mock cluster. Use the librdkafka.redist that matches Confluent.Kafka.");
}
