using Microsoft.Extensions.Options;

namespace ChatStreams.Identity;

/// <summary>
/// Checks <see cref="IdentityOptions"/> at startup so a bad setting stops the process with a message naming the setting,
/// instead of failing the first login. Loading the signing key here also creates a missing key file early.
/// </summary>
public sealed class IdentityOptionsValidator : IValidateOptions<IdentityOptions>
{
    public ValidateOptionsResult Validate(string? name, IdentityOptions options)
    {
        var failures = new List<string>();
        try
        {
            TokenSigningKey.Load(options);
        }
        catch (SigningKeyException e)
        {
            failures.Add(e.Message);
        }

        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add("Auth__Issuer must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add("Auth__Audience must not be empty.");
        }

        if (options.TokenLifetime <= TimeSpan.Zero)
        {
            failures.Add($"Auth__TokenLifetime must be positive (for example 24:00:00); it is {options.TokenLifetime}.");
        }

        var provider = options.UsersProvider?.Trim() ?? "";
        if (string.Equals(provider, IdentityOptions.SqliteUsersProvider, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(options.UsersDatabase))
            {
                failures.Add("Auth__UsersDatabase must name the SQLite file that holds the accounts (for example data/users.db).");
            }
        }
        else if (string.Equals(provider, IdentityOptions.MongoUsersProvider, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(options.MongoUrl))
            {
                failures.Add(
                    "Auth__MongoUrl is required when Auth__UsersProvider is 'mongo': give the MongoDB connection string " +
                    "(for example mongodb://user:password@mongo:27017/chatstreams).");
            }
            else if (MongoUrlText.Check(options.MongoUrl) is { } problem)
            {
                failures.Add($"Auth__MongoUrl is not a valid MongoDB connection string: {problem} Use the form mongodb://[user:password@]host[:port][,host2...]/[database][?options].");
            }
        }
        else
        {
            failures.Add(
                $"Auth__UsersProvider '{options.UsersProvider}' is unknown; use '{IdentityOptions.SqliteUsersProvider}' " +
                $"(accounts in a local file, the default) or '{IdentityOptions.MongoUsersProvider}' (accounts in MongoDB at Auth__MongoUrl).");
        }

        if (!Argon2Parameters.From(options).IsWithinBounds)
        {
            failures.Add(
                $"Auth__Argon2MemoryKiB={options.Argon2MemoryKiB}, Auth__Argon2Iterations={options.Argon2Iterations} and " +
                $"Auth__Argon2Parallelism={options.Argon2Parallelism} are out of range: parallelism must be 1 to {Argon2Parameters.MaxParallelism}, " +
                $"iterations 1 to {Argon2Parameters.MaxIterations}, memory at least 8 KiB per lane and at most {Argon2Parameters.MaxMemoryKiB} KiB.");
        }

        if (options.LoginAttemptsPerMinute < 1)
        {
            failures.Add($"Auth__LoginAttemptsPerMinute must be at least 1; it is {options.LoginAttemptsPerMinute}.");
        }

        if (options.LoginAttemptsPerMinutePerAddress < 1)
        {
            failures.Add($"Auth__LoginAttemptsPerMinutePerAddress must be at least 1; it is {options.LoginAttemptsPerMinutePerAddress}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
