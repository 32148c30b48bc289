namespace ChatStreams.Notifications.Tests.Support;

/// <summary>A clock the test moves by hand (for code that reads the time and sets no timers).</summary>
internal sealed class ManualTime(DateTimeOffset now) : TimeProvider
{
    private DateTimeOffset _now = now;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
