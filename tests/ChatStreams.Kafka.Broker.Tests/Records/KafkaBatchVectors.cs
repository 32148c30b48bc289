namespace ChatStreams.Kafka.Broker.Tests.Records;

/// <summary>
/// Record batches encoded by another Kafka client (the test vectors of the Go client Sarama, record_batch_test.go):
/// one record, key 01 02 03 04, value 05 06 07, header 08 09 0A = 0B 0C, first timestamp 1479847795000,
/// timestamp delta 5 ms, max timestamp 0 (as that client wrote it). Independent evidence that our CRC, varints
/// and codecs (gzip, raw snappy as librdkafka writes it, LZ4 frame with content checksum) read real batches.
/// </summary>
internal static class KafkaBatchVectors
{
    private static readonly byte[] Header =
    [
        0, 0, 0, 0, 0, 0, 0, 0, // producer id
        0, 0, // producer epoch
        0, 0, 0, 0, // base sequence
        0, 0, 0, 1, // record count
    ];

    private static byte[] Batch(int length, byte[] crc, byte attributes, byte[] records) =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, // base offset
        0, 0, 0, (byte)length,
        0, 0, 0, 0, // partition leader epoch
        2, // magic
        .. crc,
        0, attributes,
        0, 0, 0, 0, // last offset delta
        0, 0, 1, 88, 141, 205, 89, 56, // base timestamp 1479847795000
        0, 0, 0, 0, 0, 0, 0, 0, // max timestamp
        .. Header,
        .. records,
    ];

    public static byte[] Uncompressed => Batch(70, [84, 121, 97, 253], 0,
        [40, 0, 10, 0, 8, 1, 2, 3, 4, 6, 5, 6, 7, 2, 6, 8, 9, 10, 4, 11, 12]);

    public static byte[] Gzip => Batch(95, [231, 74, 206, 165], 1,
    [
        31, 139, 8, 0, 0, 9, 110, 136, 0, 255, 0, 21, 0, 234, 255, 40, 0, 10, 0, 8, 1, 2,
        3, 4, 6, 5, 6, 7, 2, 6, 8, 9, 10, 4, 11, 12, 3, 0, 173, 201, 88, 103, 21, 0, 0, 0,
    ]);

    public static byte[] Snappy => Batch(72, [21, 0, 159, 97], 2,
        [21, 80, 40, 0, 10, 0, 8, 1, 2, 3, 4, 6, 5, 6, 7, 2, 6, 8, 9, 10, 4, 11, 12]);

    public static byte[] Lz4 => Batch(89, [169, 74, 119, 197], 3,
    [
        4, 34, 77, 24, 100, 112, 185, 21, 0, 0, 128, 40, 0, 10, 0, 8, 1, 2, 3, 4, 6, 5, 6, 7, 2,
        6, 8, 9, 10, 4, 11, 12, 0, 0, 0, 0, 12, 59, 239, 146,
    ]);

    public static TheoryData<string, byte[]> All => new()
    {
        { "none", Uncompressed },
        { "gzip", Gzip },
        { "snappy", Snappy },
        { "lz4", Lz4 },
    };
}
