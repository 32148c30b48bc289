using Microsoft.AspNetCore.Identity;
using StackExchange.Redis;

namespace ChatStreams.Bench.SignalRBaseline;

/// <summary>Users (name, id, password hash) and conversation members, kept in Redis so every instance sees the same.</summary>
public sealed class ChatDirectory(IConnectionMultiplexer redis)
{
    private static readonly PasswordHasher<string> Hasher = new();
    private IDatabase Db => redis.GetDatabase();

    /// <summary>The new user's id, or null when the name is taken. The password is stored as ASP.NET Core Identity's PBKDF2 hash.</summary>
    public async Task<string?> RegisterAsync(string username, string password)
    {
        var userId = "u" + Guid.NewGuid().ToString("N")[..16];
        var hash = Hasher.HashPassword(username, password);
        // One key per name, set only if absent: two registrations of one name cannot both win.
        if (!await Db.StringSetAsync("user:" + username, userId + "\n" + hash, when: When.NotExists)) return null;
        await Db.StringSetAsync("username:" + userId, username);
        return userId;
    }

    /// <summary>The user's id when the password matches; null otherwise.</summary>
    public async Task<string?> LoginAsync(string username, string password)
    {
        var stored = (string?)await Db.StringGetAsync("user:" + username);
        if (stored?.Split('\n', 2) is not [var userId, var hash]) return null;
        return Hasher.VerifyHashedPassword(username, hash, password) == PasswordVerificationResult.Failed ? null : userId;
    }

    public async Task<bool> UserExistsAsync(string userId) => await Db.KeyExistsAsync("username:" + userId);

    public async Task<string> CreateConversationAsync(IEnumerable<string> members)
    {
        var id = "c" + Guid.NewGuid().ToString("N")[..16];
        await Db.SetAddAsync(MembersKey(id), members.Distinct().Select(m => (RedisValue)m).ToArray());
        return id;
    }

    public async Task<bool> IsMemberAsync(string conversationId, string userId) => await Db.SetContainsAsync(MembersKey(conversationId), userId);

    private static string MembersKey(string conversationId) => "conversation:" + conversationId + ":members";
}
