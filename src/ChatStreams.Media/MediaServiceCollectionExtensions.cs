using ChatStreams.Media.Catalog;
using ChatStreams.Media.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ChatStreams.Media;

public static class MediaServiceCollectionExtensions
{
    /// <summary>
    /// The media catalog, the configured store, limits and upload confirmation from section <c>Media</c>. Invalid
    /// settings stop the host at start with a message naming the setting.
    /// </summary>
    public static IServiceCollection AddChatMedia(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MediaOptions>().Bind(configuration.GetSection(MediaOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MediaOptions>, MediaOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(p => new MediaLimits(p.GetRequiredService<IOptions<MediaOptions>>().Value));
        // Only the selected catalog and store are ever constructed.
        services.TryAddSingleton<IMediaCatalog>(p => p.GetRequiredService<IOptions<MediaOptions>>().Value is { UsesMongo: true } o
            ? new MongoMediaCatalog(o.MongoUrl!)
            : new SqliteMediaCatalog(p.GetRequiredService<IOptions<MediaOptions>>().Value.CatalogPath));
        services.TryAddSingleton<IMediaStore>(p => p.GetRequiredService<IOptions<MediaOptions>>().Value is { UsesS3: true } o
            ? new S3MediaStore(o.S3)
            : p.GetRequiredService<LocalMediaStore>());
        services.TryAddSingleton(p =>
        {
            var o = p.GetRequiredService<IOptions<MediaOptions>>().Value;
            return new LocalMediaStore(o.LocalPath, new MediaUrlSigner(o));
        });
        services.TryAddSingleton<UploadConfirmation>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MediaStartup>());
        return services;
    }
}
