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

    /// <summary><see cref="UsersProvider"/> value for accounts in the SQLite file <see cref="UsersDatabase"/> (one machine).</summary>
    public const string SqliteUsersProvider = "sqlite";

    /// <summary><see cref="UsersProvider"/> value for accounts in MongoDB at <see cref="MongoUrl"/> (edges on many machines).</summary>
    public const string MongoUsersProvider = "mongo";

    /// <summary>
    /// Where accounts are stored: <c>sqlite</c> (the embedded default, for edges on one machine) or <c>mongo</c>
    /// (for a cluster, whose edges cannot share a file). Case is ignored.
    /// </summary>
    public string UsersProvider { get; set; } = SqliteUsersProvider;

    /// <summary>SQLite file with the accounts; shared by every edge process on the machine. Used by the sqlite provider.</summary>
    public string UsersDatabase { get; set; } = "users.db";

    /// <summary>
    /// MongoDB connection string for the mongo provider, e.g. <c>mongodb://user:password@mongo-0,mongo-1/chatstreams?replicaSet=rs0</c>.
    /// Accounts go to collection <c>users</c> of the database named in the URL (<c>chatstreams</c> when none is).
    /// Server selection and connecting time out after 10 s unless the URL sets serverSelectionTimeoutMS / connectTimeoutMS.
    /// </summary>
    public string? MongoUrl { get; set; }

    /// <summary>True when <see cref="UsersProvider"/> selects MongoDB.</summary>
    public bool UsesMongo => string.Equals(UsersProvider?.Trim(), MongoUsersProvider, StringComparison.OrdinalIgnoreCase);

    /// <summary>Argon2id memory cost for new hashes. The defaults are OWASP's minimum recommendation for Argon2id.</summary>
    public int Argon2MemoryKiB { get; set; } = 19456;

    public int Argon2Iterations { get; set; } = 2;

    public int Argon2Parallelism { get; set; } = 1;

    /// <summary>Failed logins per username within one minute before further attempts are refused with 429.</summary>
    public int LoginAttemptsPerMinute { get; set; } = 10;

    /// <summary>
    /// Failed logins per client address (any usernames) within one minute before further attempts from it are refused
    /// with 429. Behind the gateway the address is the client's (X-Forwarded-For from a trusted proxy, Edge:TrustedProxies).
    /// </summary>
    public int LoginAttemptsPerMinutePerAddress { get; set; } = 30;
}
