namespace ChatStreams.Media;

/// <summary>
/// Settings of media attachments, bound from section <see cref="Section"/> (environment <c>Media__Store</c>,
/// <c>Media__S3__Bucket</c>, ...). The defaults are the embedded run: a catalog in a SQLite file and the bytes in a
/// local folder that the edge serves at signed, expiring URLs.
/// </summary>
public sealed class MediaOptions
{
    public const string Section = "Media";

    public const string LocalStore = "local";
    public const string S3Store = "s3";
    public const string SqliteCatalog = "sqlite";
    public const string MongoCatalog = "mongo";

    /// <summary>Where the bytes live: <c>local</c> (folder <see cref="LocalPath"/>, served by the edge) or <c>s3</c> (any S3 API: AWS, MinIO).</summary>
    public string Store { get; set; } = LocalStore;

    /// <summary>Where the media records live: <c>sqlite</c> (file <see cref="CatalogPath"/>, edges of one machine) or <c>mongo</c> (<see cref="MongoUrl"/>, a cluster).</summary>
    public string Catalog { get; set; } = SqliteCatalog;

    /// <summary>SQLite file of the catalog; every edge of the machine opens the same file.</summary>
    public string CatalogPath { get; set; } = "media.db";

    /// <summary>MongoDB connection string of the mongo catalog (collection <c>media</c> of the URL's database, <c>chatstreams</c> when none).</summary>
    public string? MongoUrl { get; set; }

    /// <summary>Folder of the local store; the edges of one machine share it.</summary>
    public string LocalPath { get; set; } = "media";

    /// <summary>Base64 of at least 32 random bytes signing the local store's URLs; every edge needs the same key. Wins over <see cref="SigningKeyFile"/>.</summary>
    public string? SigningKey { get; set; }

    /// <summary>File holding the local store's URL key; created once with a random key when missing, so edges on one machine share it.</summary>
    public string SigningKeyFile { get; set; } = "media.key";

    /// <summary>Largest file accepted, in bytes (default 25 MiB).</summary>
    public long MaxSizeBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>
    /// Content types accepted (exact, or <c>type/*</c>); null means <see cref="MediaLimits.DefaultContentTypes"/>.
    /// An array, not a list: configuration replaces it instead of appending to the defaults.
    /// </summary>
    public string[]? AllowedContentTypes { get; set; }

    /// <summary>How long the upload and download URLs of POST /api/media and GET /api/media/{id} stay valid.</summary>
    public TimeSpan UrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public S3MediaOptions S3 { get; set; } = new();

    public bool UsesS3 => string.Equals(Store?.Trim(), S3Store, StringComparison.OrdinalIgnoreCase);

    public bool UsesMongo => string.Equals(Catalog?.Trim(), MongoCatalog, StringComparison.OrdinalIgnoreCase);
}

/// <summary>The S3 store (section <c>Media:S3</c>): any S3 API, AWS or MinIO.</summary>
public sealed class S3MediaOptions
{
    /// <summary>Endpoint, e.g. http://minio:9000; empty for AWS itself (the region then picks the endpoint).</summary>
    public string? ServiceUrl { get; set; }

    public string Region { get; set; } = "us-east-1";

    public string Bucket { get; set; } = "chatstreams-media";

    /// <summary>Empty to use the SDK's default credential chain (instance role, environment, profile).</summary>
    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>True for MinIO and most S3 clones: buckets as paths (host/bucket/key) rather than virtual hosts.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>Create the bucket at start when it is missing (off where the bucket is provisioned and the edge may not create buckets).</summary>
    public bool CreateBucket { get; set; } = true;

    /// <summary>Prefix of object keys, so the bucket can be shared.</summary>
    public string KeyPrefix { get; set; } = "media/";
}
