using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace ChatStreams.Edge.Connections;

/// <summary>
/// Token buckets for the frames a client sends: one per connection and one per user shared by all of the user's
/// connections at this edge (a user cannot multiply their allowance by opening sockets). A user's bucket lives while
/// they have a connection here.
/// </summary>
public sealed class UserRateLimits(IOptions<EdgeOptions> options)
{
    private readonly ConcurrentDictionary<string, (RateLimiter Limiter, int Connections)> _users = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public RateLimiter ForConnection() => Bucket(options.Value.ConnectionRate);

    public RateLimiter Join(string userId)
    {
        lock (_gate)
        {
            var entry = _users.TryGetValue(userId, out var known) ? known : (Bucket(options.Value.UserRate), 0);
            _users[userId] = (entry.Item1, entry.Item2 + 1);
            return entry.Item1;
        }
    }

    public void Leave(string userId)
    {
        lock (_gate)
        {
            if (!_users.TryGetValue(userId, out var entry)) return;
            if (entry.Connections <= 1)
            {
                _users.TryRemove(userId, out _);
                entry.Limiter.Dispose();
            }
            else _users[userId] = (entry.Limiter, entry.Connections - 1);
        }
    }

    private static TokenBucketRateLimiter Bucket(EdgeOptions.RateLimit rate) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = rate.Burst,
        TokensPerPeriod = rate.PerSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    });
}
