using System.Text;
using ChatStreams.Streams.Runtime;

namespace ChatStreams.Streams.Tests.Processor;

public class Murmur2PartitionerTests
{
    // Apache Kafka clients UtilsTest.testMurmur2: the Java implementation's results.
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    [InlineData("abc", 479470107)]
    public void Murmur2_matches_the_java_client(string key, int expected) =>
        Assert.Equal(expected, Murmur2Partitioner.Murmur2(Encoding.ASCII.GetBytes(key)));

    [Fact]
    public void Empty_key_hashes_like_java() =>
        // No blocks, no tail: only seed ^ 0 through the final mix (worked out from the reference algorithm).
        Assert.Equal(275646681, Murmur2Partitioner.Murmur2([]));

    [Fact]
    public void ToPositive_masks_the_sign_bit_instead_of_negating()
    {
        Assert.Equal(int.MaxValue, Murmur2Partitioner.ToPositive(-1));
        Assert.Equal(0, Murmur2Partitioner.ToPositive(int.MinValue));
        Assert.Equal(5, Murmur2Partitioner.ToPositive(5));
    }

    [Theory]
    [InlineData("21", 12, 0)] // toPositive(-973932308) = 1173551340
    [InlineData("foobar", 12, 6)] // 1357151166
    [InlineData("abc", 6, 3)] // 479470107
    [InlineData("a-little-bit-long-string", 3, 2)] // 1161502112
    [InlineData("a-little-bit-long-string", 12, 8)]
    public void Partition_is_positive_hash_modulo_count(string key, int partitions, int expected) =>
        Assert.Equal(expected, Murmur2Partitioner.Partition(Encoding.ASCII.GetBytes(key), partitions));

    [Fact]
    public void Zero_partitions_is_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Murmur2Partitioner.Partition([1], 0));
}
