using Confluent.SchemaRegistry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatStreams.Contracts.Tests;

public class ContractsRegistrationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddChatContracts(configuration).BuildServiceProvider();
    }

    [Fact]
    public void Configuration_overrides_the_topic_defaults_it_names()
    {
        using var provider = Build(new()
        {
            ["SchemaRegistry:Url"] = "http://127.0.0.1:8081",
            ["Topics:Delivery:Partitions"] = "3",
            ["Topics:Sessions:Configs:min.compaction.lag.ms"] = "60000",
        });
        var settings = provider.GetRequiredService<IOptions<TopicSettings>>().Value;
        Assert.Equal(3, settings.Delivery.Partitions);
        Assert.Equal("60000", settings.Sessions.Configs["min.compaction.lag.ms"]);
        Assert.Equal("compact", settings.Sessions.CleanupPolicy);
        Assert.Equal(TopicSettings.DefaultPartitions, settings.Events.Partitions);
        Assert.NotNull(provider.GetRequiredService<ChatSerdes>());
        Assert.IsType<CachedSchemaRegistryClient>(provider.GetRequiredService<ISchemaRegistryClient>());
    }

    [Fact]
    public void Invalid_topic_settings_fail_with_the_reason()
    {
        using var provider = Build(new()
        {
            ["SchemaRegistry:Url"] = "http://127.0.0.1:8081",
            ["Topics:Commands:Partitions"] = "3",
        });
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TopicSettings>>().Value);
        Assert.Contains("same partition count", error.Message);
    }

    [Fact]
    public void A_missing_registry_url_fails_with_the_reason()
    {
        using var provider = Build(new());
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ChatSerdes>());
        Assert.Contains("SchemaRegistry:Url is empty", error.Message);
    }
}
