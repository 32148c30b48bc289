using ChatStreams.Kafka;

namespace ChatStreams.Kafka.Tests;

/// <summary>A poll's wait in whole milliseconds, rounded up, so a wait of less than a millisecond still sleeps.</summary>
public sealed class PollWaitTests
{
    [Theory]
    [InlineData(0.4, 1)]
    [InlineData(0.0001, 1)]
    [InlineData(1.0, 1)]
    [InlineData(3.2, 4)]
    [InlineData(9.99, 10)]
    [InlineData(100, 100)]
    public void A_positive_wait_is_rounded_up_to_whole_milliseconds(double milliseconds, int expected) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expected), PollWait.Until(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData(0)]
    [InlineData(-0.5)]
    [InlineData(-250)]
    public void A_deadline_reached_or_passed_means_no_wait(double milliseconds) =>
        Assert.Equal(TimeSpan.Zero, PollWait.Until(TimeSpan.FromMilliseconds(milliseconds)));
}
