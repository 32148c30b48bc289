using ChatStreams.Bench.Edge;

namespace ChatStreams.Bench.Tests;

public class EdgeMeasurementTests
{
    [Fact]
    public void Every_seq_once_in_order_is_clean()
    {
        var check = SequenceCheck.Of([2, 3, 4, 5], first: 2, last: 5);

        Assert.Equal(SequenceCheck.Clean, check);
        Assert.True(check.Passed);
    }

    [Fact]
    public void Missing_seqs_are_lost_including_those_at_the_end()
    {
        Assert.Equal(new SequenceCheck(Lost: 2, 0, 0, 0), SequenceCheck.Of([2, 4], first: 2, last: 5));
        Assert.Equal(new SequenceCheck(Lost: 3, 0, 0, 0), SequenceCheck.Of([], first: 2, last: 4));
    }

    [Fact]
    public void A_repeated_seq_is_a_duplicate_and_not_also_out_of_order()
    {
        var check = SequenceCheck.Of([2, 3, 4, 3, 4], first: 2, last: 4);

        Assert.Equal(new SequenceCheck(0, Duplicates: 2, OutOfOrder: 0, 0), check);
        Assert.False(check.Passed);
    }

    [Fact]
    public void A_seq_below_one_received_earlier_is_out_of_order()
    {
        // 3 comes after 4 and 2 after 5: two late frames, nothing lost.
        Assert.Equal(new SequenceCheck(0, 0, OutOfOrder: 2, 0), SequenceCheck.Of([4, 3, 5, 2], first: 2, last: 5));
    }

    [Fact]
    public void Seqs_outside_the_range_are_unexpected_not_lost()
    {
        Assert.Equal(new SequenceCheck(0, 0, 0, Unexpected: 1), SequenceCheck.Of([2, 3, 9], first: 2, last: 3));
    }

    [Fact]
    public void Checks_add_up_over_devices()
    {
        var sum = new SequenceCheck(1, 2, 3, 4) + new SequenceCheck(10, 20, 30, 40);

        Assert.Equal(new SequenceCheck(11, 22, 33, 44), sum);
    }

    [Fact]
    public void Latency_percentiles_are_nearest_rank_in_milliseconds_with_the_maximum()
    {
        // 1..100 ms in ticks of 1 µs, shuffled.
        var ticks = Enumerable.Range(1, 100).Select(ms => ms * 1_000L).Reverse().ToArray();

        var latency = LatencyDistribution.FromTicks(ticks, ticksPerSecond: 1_000_000);

        Assert.Equal(new LatencyDistribution(100, 50, 95, 99, 100), latency);
    }

    [Fact]
    public void No_samples_is_none_rather_than_an_error()
    {
        Assert.Equal(LatencyDistribution.None, LatencyDistribution.FromTicks([], 1_000));
        Assert.Equal(0, LatencyDistribution.None.Samples);
    }

    [Fact]
    public void A_stamped_body_has_the_requested_length_and_gives_its_timestamp_back()
    {
        var body = MessageStamp.Body(123_456_789_012, 100);

        Assert.Equal(100, body.Length);
        Assert.StartsWith("t=123456789012 ", body);
        Assert.True(MessageStamp.TryRead(body, out var timestamp));
        Assert.Equal(123_456_789_012, timestamp);
    }

    [Fact]
    public void A_stamp_longer_than_the_length_is_kept_whole()
    {
        var body = MessageStamp.Body(long.MaxValue, 5);

        Assert.True(MessageStamp.TryRead(body, out var timestamp));
        Assert.Equal(long.MaxValue, timestamp);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("t=")]
    [InlineData("t=12x4 text")]
    [InlineData("t=-5 text")]
    public void Bodies_the_benchmark_did_not_write_have_no_stamp(string? body)
    {
        Assert.False(MessageStamp.TryRead(body, out _));
    }

    [Fact]
    public void Each_sender_s_messages_are_one_interval_apart_and_senders_are_staggered_within_it()
    {
        // 10 messages/s at 1,000 ticks per second: 100 ticks apart; 4 senders 25 ticks apart.
        var schedule = new SendSchedule(Start: 5_000, Rate: 10, Senders: 4, TicksPerSecond: 1_000);

        Assert.Equal(5_000, schedule.Due(sender: 0, message: 0));
        Assert.Equal(5_100, schedule.Due(sender: 0, message: 1));
        Assert.Equal(5_025, schedule.Due(sender: 1, message: 0));
        Assert.Equal(5_075, schedule.Due(sender: 3, message: 0));
        Assert.Equal(5_975, schedule.Due(sender: 3, message: 9));
    }
}
