using ChatStreams.Kafka.Broker.Groups;

namespace ChatStreams.Kafka.Broker.Tests.Groups;

/// <summary>The offset record layout matches Kafka's OffsetCommitKey (type 1) and OffsetCommitValue v3.</summary>
public sealed class OffsetRecordCodecTests
{
    [Fact]
    public void Keys_and_values_have_kafkas_byte_layout_and_round_trip()
    {
        var key = OffsetRecordCodec.EncodeKey("g1", new TopicPartition("t", 7));
        Assert.Equal(new byte[] { 0, 1, 0, 2, (byte)'g', (byte)'1', 0, 1, (byte)'t', 0, 0, 0, 7 }, key);
        Assert.True(OffsetRecordCodec.TryDecodeKey(key, out var group, out var tp));
        Assert.Equal(("g1", new TopicPartition("t", 7)), (group, tp));

        var value = OffsetRecordCodec.EncodeValue(new CommittedOffset(258, 5, "m", 1000));
        Assert.Equal(new byte[] { 0, 3, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 5, 0, 1, (byte)'m', 0, 0, 0, 0, 0, 0, 3, 0xE8 }, value);
        Assert.Equal(new CommittedOffset(258, 5, "m", 1000), OffsetRecordCodec.DecodeValue(value));
    }

    [Fact]
    public void Other_record_types_are_skipped_and_malformed_bytes_are_reported()
    {
        Assert.False(OffsetRecordCodec.TryDecodeKey(new byte[] { 0, 2, 0, 1, (byte)'g' }, out _, out _)); // group metadata key
        Assert.Throws<InvalidDataException>(() => OffsetRecordCodec.TryDecodeKey(new byte[] { 0, 1, 0, 9, (byte)'g' }, out _, out _));
        Assert.Throws<InvalidDataException>(() => OffsetRecordCodec.DecodeValue(new byte[] { 0, 1, 0, 0 }));
        Assert.Throws<InvalidDataException>(() => OffsetRecordCodec.DecodeValue(new byte[] { 0, 3, 0, 0, 0 }));
    }

    [Theory]
    [InlineData("group", 50, 47)] // Java: "group".hashCode() == 98629247
    [InlineData("consumer-group-1", 50, 20)]
    [InlineData("polygenelubricants", 50, 0)] // hashCode() == int.MinValue: Kafka's Utils.abs maps it to 0
    [InlineData("anything", 1, 0)]
    public void Groups_map_to_offsets_partitions_like_Kafka(string groupId, int partitions, int expected) =>
        Assert.Equal(expected, OffsetLog.PartitionIndex(groupId, partitions));
}
