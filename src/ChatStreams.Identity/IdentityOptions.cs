namespace ChatStreams.Identity;

/// <summary>
/// Settings of accounts, password hashing and access tokens, bound from configuration section <see cref="Section"/>
/// (environment variables <c>Auth__SigningKey</c>, <c>Auth__SigningKeyFile</c>, ...).
/// </summary>
public sealed class IdentityOptions
{
    public const string Section = "Auth";

    /// <summary>
    /// Base64 of at least 32 random bytes used to sign access tokens (HS256). Every edge must use the same key, so
    /// tokens issued by one edge are accepted by all. Takes precedence over <see cref="SigningKeyFile"/>.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// Path of a file holding the base64 signing key. Used when <see cref="SigningKey"/> is empty; a missing file is
    /// created once with 64 random bytes (mode 0600) so edges on one machine share the key without an operator step.
    /// </summary>
    public string? SigningKeyFile { get; set; }

    public string Issuer { get; set; } = "chatstreams";

    public string Audience { get; set; } = "chatstreams";

    /// <summary>How long an access token stays valid; clients log in again afterwards.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>SQLite file with the accounts; shared by every edge process on the machine.</summary>
    public string UsersDatabase { get; set; } = "users.db";

    /// <summary>Argon2id memory cost for new hashes. The defaults are OWASP's minimum recommendation for Argon2id.</summary>
    public int Argon2MemoryKiB { get; set; } = 19456;

    public int Argon2Iterations { get; set; } = 2;

    public int Argon2Parallelism { get; set; } = 1;

    /// <summary>Failed logins per username within one minute before further attempts are refused with 429.</summary>
    public int LoginAttemptsPerMinute { get; set; } = 10;
}
