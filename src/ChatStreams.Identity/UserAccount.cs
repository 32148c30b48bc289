using System.Text;

namespace ChatStreams.Identity;

/// <summary>A stored account. Holds the password hash, so it is never sent to clients: answer with <see cref="ToProfile"/>.</summary>
/// <param name="UserId">Stable id ("N"-formatted UUID); usernames are for people, ids are for references.</param>
/// <param name="Username">The username as the user typed it; uniqueness ignores case.</param>
public sealed record UserAccount(string UserId, string Username, string DisplayName, string PasswordHash, DateTimeOffset CreatedAt)
{
    public static string NewUserId() => Guid.NewGuid().ToString("N");

    /// <summary>The form uniqueness and look-ups use, so "Alice" and "alice" are one account.</summary>
    public static string NormalizeUsername(string username) => username.ToLowerInvariant();

    public UserProfile ToProfile() => new(UserId, Username, DisplayName);

    // Records print every property; keep the hash out of logs and exception messages.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"UserId = {UserId}, Username = {Username}, DisplayName = {DisplayName}, CreatedAt = {CreatedAt:O}");
        return true;
    }
}
