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

    [Fact]
    public void FailuresFromOneAddress_OverManyUsernames_BlockThatAddressOnly()
    {
        var throttle = new LoginThrottle(TestOptions.Wrap(new IdentityOptions { LoginAttemptsPerMinute = 3, LoginAttemptsPerMinutePerAddress = 4 }), _clock);
        for (var i = 0; i < 4; i++)
        {
            throttle.RecordFailure($"sprayed-{i}", "203.0.113.7");
        }

        Assert.True(throttle.IsBlocked("anyone", "203.0.113.7", out var retryAfter));
        Assert.Equal(TimeSpan.FromMinutes(1), retryAfter);
        Assert.False(throttle.IsBlocked("anyone", "198.51.100.1", out _));
        Assert.False(throttle.IsBlocked("sprayed-0", null, out _)); // one failure each: no username is blocked

        // A successful login forgets the username's failures, not the address's.
        throttle.Reset("sprayed-0");
        Assert.True(throttle.IsBlocked("sprayed-0", "203.0.113.7", out _));
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.False(throttle.IsBlocked("anyone", "203.0.113.7", out _));
    }

    [Fact]
    public void A_username_that_looks_like_an_address_key_counts_against_the_username_only()
    {
        var throttle = new LoginThrottle(TestOptions.Wrap(new IdentityOptions { LoginAttemptsPerMinute = 3, LoginAttemptsPerMinutePerAddress = 3 }), _clock);
        for (var i = 0; i < 3; i++)
        {
            throttle.RecordFailure("a:203.0.113.7", "198.51.100.1");
            throttle.Reset("someone");
        }

        Assert.False(throttle.IsBlocked("victim", "203.0.113.7", out _));
    }
}
