using Microsoft.Extensions.Options;

namespace ChatStreams.Media;

/// <summary>Checks <see cref="MediaOptions"/> at start so a bad setting stops the edge with a message naming the setting.</summary>
public sealed class MediaOptionsValidator : IValidateOptions<MediaOptions>
{
    public ValidateOptionsResult Validate(string? name, MediaOptions options)
    {
        var failures = new List<string>();
        var store = options.Store?.Trim() ?? "";
        if (!store.Equals(MediaOptions.LocalStore, StringComparison.OrdinalIgnoreCase) && !store.Equals(MediaOptions.S3Store, StringComparison.OrdinalIgnoreCase))
            failures.Add($"Media__Store '{options.Store}' is unknown; use 'local' (files in Media__LocalPath served by the edge) or 's3' (Media__S3__*).");
        var catalog = options.Catalog?.Trim() ?? "";
        if (!catalog.Equals(MediaOptions.SqliteCatalog, StringComparison.OrdinalIgnoreCase) && !catalog.Equals(MediaOptions.MongoCatalog, StringComparison.OrdinalIgnoreCase))
            failures.Add($"Media__Catalog '{options.Catalog}' is unknown; use 'sqlite' (file Media__CatalogPath) or 'mongo' (Media__MongoUrl).");
        if (options.UsesMongo && string.IsNullOrWhiteSpace(options.MongoUrl))
            failures.Add("Media__MongoUrl is required when Media__Catalog is 'mongo' (for example mongodb://mongo:27017/chatstreams).");
        if (!options.UsesMongo && string.IsNullOrWhiteSpace(options.CatalogPath))
            failures.Add("Media__CatalogPath must name the SQLite file of the media catalog (for example data/media.db).");
        if (options.MaxSizeBytes < 1)
            failures.Add($"Media__MaxSizeBytes must be at least 1; it is {options.MaxSizeBytes}.");
        if (options.UrlLifetime < TimeSpan.FromSeconds(10) || options.UrlLifetime > TimeSpan.FromDays(7))
            failures.Add($"Media__UrlLifetime must be between 10 seconds and 7 days (S3's limit for presigned URLs); it is {options.UrlLifetime}.");
        foreach (var type in options.AllowedContentTypes ?? [])
            if (MediaLimits.Normalize(type) is null && !MediaLimits.IsWildcard(type))
                failures.Add($"Media__AllowedContentTypes holds '{type}', which is not a content type (type/subtype or type/*).");
        if (options.UsesS3)
        {
            if (string.IsNullOrWhiteSpace(options.S3.Bucket)) failures.Add("Media__S3__Bucket must name the bucket that holds the media.");
            if (!string.IsNullOrWhiteSpace(options.S3.ServiceUrl) && !Uri.TryCreate(options.S3.ServiceUrl, UriKind.Absolute, out _))
                failures.Add($"Media__S3__ServiceUrl '{options.S3.ServiceUrl}' is not an absolute URL (for example http://minio:9000).");
            if (string.IsNullOrWhiteSpace(options.S3.AccessKey) != string.IsNullOrWhiteSpace(options.S3.SecretKey))
                failures.Add("Media__S3__AccessKey and Media__S3__SecretKey go together: set both, or neither to use the default AWS credential chain.");
        }
        else if (string.IsNullOrWhiteSpace(options.LocalPath))
            failures.Add("Media__LocalPath must name the folder of the local media store (for example data/media).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
