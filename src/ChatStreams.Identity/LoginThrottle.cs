using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ChatStreams.Identity;

/// <summary>
/// Counts failed logins per username over a sliding minute and refuses further attempts once the limit is reached,
/// which makes guessing one account's password impractically slow. In-process: each edge counts on its own.
/// </summary>
public sealed class LoginThrottle
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private const int SweepEvery = 1024;

    private readonly ConcurrentDictionary<string, FailureWindow> _windows = new(StringComparer.Ordinal);
    private readonly int _limit;
    private readonly TimeProvider _time;
    private int _recordsSinceSweep;

    public LoginThrottle(IOptions<IdentityOptions> options, TimeProvider? timeProvider = null)
    {
        _limit = options.Value.LoginAttemptsPerMinute;
        ArgumentOutOfRangeException.ThrowIfLessThan(_limit, 1, nameof(IdentityOptions.LoginAttemptsPerMinute));
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>True while the username has used up its failures; <paramref name="retryAfter"/> says for how long.</summary>
    public bool IsBlocked(string username, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_windows.TryGetValue(Key(username), out var window))
        {
            return false;
        }

        lock (window)
        {
            var now = _time.GetUtcNow();
            window.Expire(now);
            if (window.Failures.Count < _limit)
            {
                return false;
            }

            retryAfter = window.Failures.Peek() + Window - now;
            return true;
        }
    }

    public void RecordFailure(string username)
    {
        var key = Key(username);
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
                // Only the newest `limit` failures decide whether the name is blocked.
                while (window.Failures.Count > _limit)
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

    private static string Key(string username) => UserAccount.NormalizeUsername(username);

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
