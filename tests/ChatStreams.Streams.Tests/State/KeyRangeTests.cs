using ChatStreams.Streams.State;

namespace ChatStreams.Streams.Tests.State;

public sealed class KeyRangeTests
{
    [Theory]
    [InlineData(new byte[] { 0x61 }, new byte[] { 0x62 })]
    [InlineData(new byte[] { 0x01, 0xFF }, new byte[] { 0x02 })]
    [InlineData(new byte[] { 0x01, 0xFF, 0xFF }, new byte[] { 0x02 })]
    [InlineData(new byte[] { 0x00 }, new byte[] { 0x01 })]
    public void The_successor_of_a_prefix_is_the_first_key_past_all_its_extensions(byte[] prefix, byte[] expected) =>
        Assert.Equal(expected, KeyRange.Successor(prefix));

    [Fact]
    public void An_all_0xFF_or_empty_prefix_has_no_successor()
    {
        Assert.Null(KeyRange.Successor([0xFF, 0xFF]));
        Assert.Null(KeyRange.Successor([]));
    }

    [Fact]
    public void Bounds_follow_unsigned_byte_order()
    {
        var range = KeyRange.Between([0x10], [0x80]);
        Assert.True(range.BelowUpperBound([0x80]));
        Assert.False(range.BelowUpperBound([0x80, 0x00]));
        Assert.False(range.BelowUpperBound([0x81]));
        Assert.True(KeyRange.Between([0x80], [0x10]).IsEmpty);
        Assert.False(KeyRange.All.IsEmpty);
        Assert.True(KeyRange.Prefix([0x01]).BelowUpperBound([0x01, 0xFF, 0xFF]));
        Assert.False(KeyRange.Prefix([0x01]).BelowUpperBound([0x02]));
    }
}
