using Confluent.SchemaRegistry;

namespace ChatStreams.Contracts;

/// <summary>How to reach the schema registry (configuration section "SchemaRegistry").</summary>
public sealed class SchemaRegistryClientOptions
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string SectionName = "SchemaRegistry";

    /// <summary>Registry base URL, e.g. http://127.0.0.1:8081 (several may be given comma-separated).</summary>
    public string Url { get; set; } = "";

    /// <summary>"user:password" for HTTP basic auth; null or empty for none.</summary>
    public string? BasicAuth { get; set; }

    /// <summary>
    /// Whether serializers register a schema they do not find. Off by default: the host registers schemas/ at
    /// start, so an unregistered schema means code and registry disagree and should fail loudly.
    /// </summary>
    public bool AutoRegisterSchemas { get; set; }

    /// <summary>Timeout of one registry request in milliseconds.</summary>
    public int RequestTimeoutMs { get; set; } = 30_000;

    /// <summary>What is wrong with these options; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var urls = Url.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0)
            errors.Add("SchemaRegistry:Url is empty; set it to the registry's base URL, e.g. http://127.0.0.1:8081.");
        foreach (var url in urls)
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                errors.Add($"SchemaRegistry:Url '{url}' is not an absolute http(s) URL.");
        if (!string.IsNullOrEmpty(BasicAuth) && !BasicAuth.Contains(':', StringComparison.Ordinal))
            errors.Add("SchemaRegistry:BasicAuth must be 'user:password'.");
        if (RequestTimeoutMs <= 0)
            errors.Add($"SchemaRegistry:RequestTimeoutMs is {RequestTimeoutMs}; it must be positive.");
        return errors;
    }

    /// <summary>The Confluent client configuration for these options.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public SchemaRegistryConfig ToConfig()
    {
        var errors = Validate();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors));
        var config = new SchemaRegistryConfig { Url = Url, RequestTimeoutMs = RequestTimeoutMs };
        if (!string.IsNullOrEmpty(BasicAuth))
        {
            config.BasicAuthCredentialsSource = AuthCredentialsSource.UserInfo;
            config.BasicAuthUserInfo = BasicAuth;
        }
        return config;
    }

    /// <summary>A caching registry client for these options; the caller disposes it.</summary>
    public ISchemaRegistryClient CreateClient() => new CachedSchemaRegistryClient(ToConfig());
}
