using Confluent.SchemaRegistry;

namespace ChatStreams.Contracts.Tests;

public class SchemaRegistryClientOptionsTests
{
    [Fact]
    public void Url_and_basic_auth_become_the_confluent_config()
    {
        var config = new SchemaRegistryClientOptions { Url = "http://127.0.0.1:8081", BasicAuth = "svc:secret", RequestTimeoutMs = 5000 }.ToConfig();
        Assert.Equal("http://127.0.0.1:8081", config.Url);
        Assert.Equal(AuthCredentialsSource.UserInfo, config.BasicAuthCredentialsSource);
        Assert.Equal("svc:secret", config.BasicAuthUserInfo);
        Assert.Equal(5000, config.RequestTimeoutMs);
    }

    [Fact]
    public void Without_basic_auth_no_credentials_are_sent()
    {
        var config = new SchemaRegistryClientOptions { Url = "https://registry.example:8081" }.ToConfig();
        Assert.Null(config.BasicAuthCredentialsSource);
        Assert.Null(config.BasicAuthUserInfo);
    }

    [Fact]
    public void Serializers_do_not_register_schemas_unless_told_to()
    {
        Assert.False(new SchemaRegistryClientOptions().AutoRegisterSchemas);
    }

    [Theory]
    [InlineData("", null, "empty")]
    [InlineData("localhost:8081", null, "not an absolute http(s) URL")]
    [InlineData("ftp://host", null, "not an absolute http(s) URL")]
    [InlineData("http://a:1,nonsense", null, "'nonsense'")]
    [InlineData("http://127.0.0.1:8081", "no-colon", "user:password")]
    public void Unusable_options_are_refused_with_a_clear_message(string url, string? basicAuth, string complaint)
    {
        var options = new SchemaRegistryClientOptions { Url = url, BasicAuth = basicAuth };
        Assert.Contains(options.Validate(), e => e.Contains(complaint));
        var error = Assert.Throws<ArgumentException>(() => options.ToConfig());
        Assert.Contains(complaint, error.Message);
    }
}
