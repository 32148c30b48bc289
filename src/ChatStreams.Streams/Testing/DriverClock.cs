namespace ChatStreams.Streams.Testing;

/// <summary>The driver's wall clock: stands still until the test advances it, so wall-clock punctuation is deterministic.</summary>
internal sealed class DriverClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), by, "the wall clock cannot go back");
        _now += by;
    }
}
