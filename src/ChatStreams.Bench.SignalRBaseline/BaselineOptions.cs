namespace ChatStreams.Bench.SignalRBaseline;

/// <summary>Settings of one baseline server (section "Baseline"; env Baseline__Redis, Baseline__TokenKey).</summary>
public sealed class BaselineOptions
{
    public const string Section = "Baseline";

    /// <summary>StackExchange.Redis connection string of the backplane, which also holds users and conversations.</summary>
    public string Redis { get; set; } = "";

    /// <summary>Secret that signs access tokens; every instance gets the same one so a token from one works at the other.</summary>
    public string TokenKey { get; set; } = "";

    /// <summary>How long an access token is valid.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Redis)) errors.Add("Baseline:Redis is empty: pass --Baseline:Redis=127.0.0.1:6379 (or env Baseline__Redis).");
        if (TokenKey.Length < 16) errors.Add("Baseline:TokenKey needs at least 16 characters (the HMAC key of access tokens).");
        return errors;
    }
}
