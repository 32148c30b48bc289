namespace ChatStreams.Identity.Tests;

public sealed class LoginThrottleTests
{
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly LoginThrottle _throttle;

    public LoginThrottleTests()
    {
        _throttle = new LoginThrottle(TestOptions.Wrap(new IdentityOptions { LoginAttemptsPerMinute = 3 }), _clock);
    }

    [Fact]
    public void BlocksAfterLimit_UntilTheOldestFailureLeavesTheWindow()
    {
        _throttle.RecordFailure("dora");
        _clock.Advance(TimeSpan.FromSeconds(10));
        _throttle.RecordFailure("DORA");
        Assert.False(_throttle.IsBlocked("dora", out _));
        _throttle.RecordFailure("Dora");

        Assert.True(_throttle.IsBlocked("dora", out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(50), retryAfter);
        Assert.False(_throttle.IsBlocked("someone-else", out _));

        _clock.Advance(TimeSpan.FromSeconds(49));
        Assert.True(_throttle.IsBlocked("dora", out retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(_throttle.IsBlocked("dora", out _));
    }

    [Fact]
    public void Reset_ForgetsFailures()
    {
        for (var i = 0; i < 3; i++)
        {
            _throttle.RecordFailure("ed");
        }

        _throttle.Reset("ed");

        Assert.False(_throttle.IsBlocked("ed", out _));
    }
}
