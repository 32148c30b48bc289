using Confluent.SchemaRegistry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatStreams.Contracts;

/// <summary>Registers topic settings, the registry client and the serdes with a host.</summary>
public static class ContractsServiceCollectionExtensions
{
    /// <summary>
    /// Binds "Topics" to <see cref="TopicSettings"/> and "SchemaRegistry" to <see cref="SchemaRegistryClientOptions"/>
    /// (both validated at start), and adds a singleton <see cref="ISchemaRegistryClient"/> and <see cref="ChatSerdes"/>.
    /// </summary>
    public static IServiceCollection AddChatContracts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TopicSettings>().Bind(configuration.GetSection(TopicSettings.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TopicSettings>, TopicSettingsValidator>());
        services.AddOptions<SchemaRegistryClientOptions>().Bind(configuration.GetSection(SchemaRegistryClientOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SchemaRegistryClientOptions>, SchemaRegistryClientOptionsValidator>());
        services.TryAddSingleton(provider => provider.GetRequiredService<IOptions<SchemaRegistryClientOptions>>().Value.CreateClient());
        services.TryAddSingleton(provider => new ChatSerdes(
            provider.GetRequiredService<ISchemaRegistryClient>(),
            provider.GetRequiredService<IOptions<SchemaRegistryClientOptions>>().Value));
        return services;
    }
}
