namespace ChatStreams.Identity;

/// <summary>Where accounts are stored. Shared by every edge, so every method must be safe across processes.</summary>
public interface IUserDirectory
{
    /// <summary>Stores a new account; null when the username is taken (ignoring case). Exactly one of concurrent callers wins a name.</summary>
    Task<UserAccount?> TryRegisterAsync(UserAccount account, CancellationToken cancellationToken = default);

    /// <summary>Looks an account up by username, ignoring case.</summary>
    Task<UserAccount?> FindByUsernameAsync(string username, CancellationToken cancellationToken = default);

    Task<UserAccount?> FindByIdAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Accounts whose username or display name contains <paramref name="query"/> (ignoring case): exact username first,
    /// then username prefixes, display-name prefixes, other matches, each by username. At most 50.
    /// </summary>
    Task<IReadOnlyList<UserProfile>> SearchAsync(string query, int limit, CancellationToken cancellationToken = default);

    /// <summary>Profiles of the given ids that exist; unknown ids are left out.</summary>
    Task<IReadOnlyDictionary<string, UserProfile>> GetProfilesAsync(IEnumerable<string> userIds, CancellationToken cancellationToken = default);

    /// <summary>Replaces the stored hash (after a rehash on login); false when the account no longer exists.</summary>
    Task<bool> UpdatePasswordHashAsync(string userId, string passwordHash, CancellationToken cancellationToken = default);
}
