using MongoDB.Driver;

namespace ChatStreams.Identity;

/// <summary>Reading <see cref="IdentityOptions.MongoUrl"/> and showing it without the secrets it may carry.</summary>
internal static class MongoUrlText
{
    /// <summary>Null when <paramref name="url"/> is a usable MongoDB URL, otherwise what is wrong (never echoing a password).</summary>
    public static string? Check(string url)
    {
        try
        {
            _ = new MongoUrl(url);
            return null;
        }
        catch (Exception e) when (e is MongoConfigurationException or ArgumentException or FormatException)
        {
            // The driver already hides credentials in its message ("mongodb://<hidden>@host").
            return e.Message;
        }
    }

    /// <summary>Scheme, user, hosts and database only: no password, and no query options (they may hold TLS key passwords).</summary>
    public static string Describe(MongoUrl url, string databaseName)
    {
        var scheme = url.Scheme == MongoDB.Driver.Core.Configuration.ConnectionStringScheme.MongoDBPlusSrv ? "mongodb+srv" : "mongodb";
        var user = string.IsNullOrEmpty(url.Username) ? "" : url.Username + "@";
        var hosts = url.Scheme == MongoDB.Driver.Core.Configuration.ConnectionStringScheme.MongoDBPlusSrv
            ? url.Server.Host
            : string.Join(",", url.Servers.Select(server => server.ToString()));
        return $"{scheme}://{user}{hosts}/{databaseName}";
    }
}
