using Xunit;
namespace ChatStreams.TestSupport;

/// <summary>
/// A test that needs a real Elasticsearch: it runs when <see cref="UrlVariable"/> is set and is reported as skipped,
/// with how to run it, when not. No Elasticsearch server package exists on the build machines, so skipping is the
/// usual case.
/// </summary>
public sealed class ElasticFactAttribute : FactAttribute
{
    public const string UrlVariable = "CHATSTREAMS_ELASTIC_URL";

    public ElasticFactAttribute()
    {
        Skip = SkipReason(Environment.GetEnvironmentVariable(UrlVariable));
    }

    public static string? SkipReason(string? url) => string.IsNullOrWhiteSpace(url)
        ? $"needs an Elasticsearch server: set {UrlVariable}=http://host:9200 (for example http://127.0.0.1:9200) to run"
        : null;
}

/// <summary>
/// On a contract subclass that needs a real Elasticsearch: its inherited contract tests are skipped with the same
/// reason as an <see cref="ElasticFactAttribute"/> test.
/// </summary>
public sealed class NeedsElasticAttribute : StoreAvailabilityAttribute
{
    public override string? SkipReason =>
        ElasticFactAttribute.SkipReason(Environment.GetEnvironmentVariable(ElasticFactAttribute.UrlVariable));
}
