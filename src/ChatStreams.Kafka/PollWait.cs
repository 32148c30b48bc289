namespace ChatStreams.Kafka;

/// <summary>
/// How long a consumer poll waits for a deadline. Confluent.Kafka hands librdkafka whole milliseconds, truncated, so a
/// wait of 0.4 ms becomes a poll that returns at once: a loop waiting out the last fraction of a millisecond before its
/// deadline polled tens of thousands of times a second (a stream thread waiting for its idle commit, measured at
/// 30,000–55,000 empty polls a second under load). Rounded up instead, the poll sleeps that last millisecond.
/// </summary>
public static class PollWait
{
    /// <summary>The wait in whole milliseconds, rounded up; zero or less stays zero (poll without waiting).</summary>
    public static TimeSpan Until(TimeSpan remaining) =>
        remaining <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Ceiling(remaining.TotalMilliseconds));
}
