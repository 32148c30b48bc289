using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ChatStreams.Identity;

/// <summary>
/// Counts failed logins per username and per client address over a sliding minute and refuses further attempts once
/// either limit is reached: the username limit makes guessing one account's password impractically slow, the address
/// limit stops one client from spraying a common password over many usernames. In-process: each edge counts on its own.
/// A successful login forgets the username's failures, never the address's (one known account must not reset it).
/// </summary>
public sealed class LoginThrottle
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private const int SweepEvery = 1024;

    private readonly ConcurrentDictionary<string, FailureWindow> _windows = new(StringComparer.Ordinal);
    private readonly int _limit;
    private readonly int _addressLimit;
    private readonly TimeProvider _time;
    private int _recordsSinceSweep;

    public LoginThrottle(IOptions<IdentityOptions> options, TimeProvider? timeProvider = null)
    {
        _limit = options.Value.LoginAttemptsPerMinute;
        ArgumentOutOfRangeException.ThrowIfLessThan(_limit, 1, nameof(IdentityOptions.LoginAttemptsPerMinute));
        _addressLimit = options.Value.LoginAttemptsPerMinutePerAddress;
        ArgumentOutOfRangeException.ThrowIfLessThan(_addressLimit, 1, nameof(IdentityOptions.LoginAttemptsPerMinutePerAddress));
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>True while the username has used up its failures; <paramref name="retryAfter"/> says for how long.</summary>
    public bool IsBlocked(string username, out TimeSpan retryAfter) => IsBlocked(username, null, out retryAfter);

    /// <summary>
    /// True while the username or the client address (when known) has used up its failures; <paramref name="retryAfter"/>
    /// says for how long (the longer of the two).
    /// </summary>
    public bool IsBlocked(string username, string? address, out TimeSpan retryAfter)
    {
        var byName = IsKeyBlocked(Key(username), _limit, out var nameWait);
        var addressWait = TimeSpan.Zero;
        var byAddress = address is not null && IsKeyBlocked(AddressKey(address), _addressLimit, out addressWait);
        retryAfter = nameWait > addressWait ? nameWait : addressWait;
        return byName || byAddress;
    }

    private bool IsKeyBlocked(string key, int limit, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_windows.TryGetValue(key, out var window))
        {
            return false;
        }

        lock (window)
        {
            var now = _time.GetUtcNow();
            window.Expire(now);
            if (window.Failures.Count < limit)
            {
                return false;
            }

            retryAfter = window.Failures.Peek() + Window - now;
            return true;
        }
    }

    public void RecordFailure(string username) => RecordFailure(username, null);

    /// <summary>Counts a failed login against the username and, when known, the client address.</summary>
    public void RecordFailure(string username, string? address)
    {
        RecordKeyFailure(Key(username), _limit);
        if (address is not null)
        {
            RecordKeyFailure(AddressKey(address), _addressLimit);
        }
    }

    private void RecordKeyFailure(string key, int limit)
    {
        while (true)
        {
            var window = _windows.GetOrAdd(key, static _ => new FailureWindow());
            lock (window)
            {
                if (window.Retired)
                {
                    continue; // swept away between lookup and lock; use a fresh one
                }

                var now = _time.GetUtcNow();
                window.Expire(now);
                window.Failures.Enqueue(now);
                // Only the newest `limit` failures decide whether the name (or address) is blocked.
                while (window.Failures.Count > limit)
                {
                    window.Failures.Dequeue();
                }
            }

            break;
        }

        if (Interlocked.Increment(ref _recordsSinceSweep) % SweepEvery == 0)
        {
            Sweep();
        }
    }

    /// <summary>Forgets the failures of a username after a successful login.</summary>
    public void Reset(string username)
    {
        if (_windows.TryRemove(Key(username), out var window))
        {
            lock (window)
            {
                window.Retired = true;
            }
        }
    }

    /// <summary>Drops windows without recent failures, so sprayed usernames do not accumulate.</summary>
    private void Sweep()
    {
        var now = _time.GetUtcNow();
        foreach (var (key, window) in _windows)
        {
            lock (window)
            {
                window.Expire(now);
                if (window.Failures.Count == 0)
                {
                    window.Retired = true;
                    _windows.TryRemove(new KeyValuePair<string, FailureWindow>(key, window));
                }
            }
        }
    }

    // Both kinds share one table; the prefixes keep a login as "a:10.0.0.1" from counting against that address.
    private static string Key(string username) => "u:" + UserAccount.NormalizeUsername(username);

    private static string AddressKey(string address) => "a:" + address;

    private sealed class FailureWindow
    {
        public Queue<DateTimeOffset> Failures { get; } = new();

        public bool Retired { get; set; }

        public void Expire(DateTimeOffset now)
        {
            while (Failures.Count > 0 && Failures.Peek() + Window <= now)
            {
                Failures.Dequeue();
            }
        }
    }
}
