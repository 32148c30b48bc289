using System.Text;
using ChatStreams.Kafka.Broker.Records;

namespace ChatStreams.Kafka.Broker.Tests.Records;

public sealed class Crc32CTests
{
    // Check values from RFC 3720 (iSCSI) appendix B.4 and the CRC catalogue ("123456789").
    public static TheoryData<byte[], uint> Vectors => new()
    {
        { Encoding.ASCII.GetBytes("123456789"), 0xE3069283u },
        { new byte[32], 0x8A9136AAu },
        { Enumerable.Repeat((byte)0xFF, 32).ToArray(), 0x62A8AB43u },
        { Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), 0x46DD794Eu },
        { Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray(), 0x113FDB5Cu },
        { [], 0u },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Known_vectors_match(byte[] data, uint expected)
    {
        Assert.Equal(expected, Crc32C.Compute(data));
        Assert.Equal(expected, Crc32C.ComputeWithoutIntrinsics(data));
    }

    [Fact]
    public void Hardware_and_table_paths_agree_on_every_length_and_alignment()
    {
        var random = new Random(7);
        var data = new byte[1000];
        random.NextBytes(data);
        for (int start = 0; start < 9; start++)
            for (int length = 0; length < 300; length += 7)
            {
                var slice = data.AsSpan(start, length);
                Assert.Equal(Crc32C.ComputeWithoutIntrinsics(slice), Crc32C.Compute(slice));
            }
    }

    [Fact]
    public void Append_continues_a_running_crc()
    {
        var data = Encoding.ASCII.GetBytes("123456789");
        uint partial = Crc32C.Compute(data.AsSpan(0, 4));
        Assert.Equal(0xE3069283u, Crc32C.Append(partial, data.AsSpan(4)));
    }
}
