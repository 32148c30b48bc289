using Xunit;
namespace ChatStreams.TestSupport;

/// <summary>
/// A test that needs a real MongoDB: it runs when <see cref="UrlVariable"/> is set and is reported as skipped, with
/// how to run it, when not. No MongoDB server package exists on the build machines, so skipping is the usual case.
/// </summary>
public sealed class MongoFactAttribute : FactAttribute
{
    public const string UrlVariable = "CHATSTREAMS_MONGO_URL";

    public MongoFactAttribute()
    {
        Skip = SkipReason(Environment.GetEnvironmentVariable(UrlVariable));
    }

    public static string? SkipReason(string? url) => string.IsNullOrWhiteSpace(url)
        ? $"needs a MongoDB server: set {UrlVariable}=mongodb://host:27017 (for example mongodb://127.0.0.1:27017) to run"
        : null;
}

/// <summary>
/// On a contract subclass that needs a real MongoDB: its inherited contract tests are skipped with the same reason as
/// a <see cref="MongoFactAttribute"/> test.
/// </summary>
public sealed class NeedsMongoAttribute : StoreAvailabilityAttribute
{
    public override string? SkipReason =>
        MongoFactAttribute.SkipReason(Environment.GetEnvironmentVariable(MongoFactAttribute.UrlVariable));
}
