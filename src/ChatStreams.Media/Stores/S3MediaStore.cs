using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Util;

namespace ChatStreams.Media.Stores;

/// <summary>
/// Media in an S3 bucket (AWS, MinIO, any S3 API), uploaded and downloaded by clients directly with presigned URLs
/// (SigV4): the edge never carries the bytes. The upload URL signs the content type and length, so S3 refuses a PUT
/// with other values; <see cref="StatAsync"/> lets the edge check what was stored all the same before it is used.
/// </summary>
public sealed class S3MediaStore : IMediaStore, IDisposable
{
    private readonly S3MediaOptions _options;
    private readonly AmazonS3Client _client;
    private readonly Protocol _protocol;
    private readonly SemaphoreSlim _ready = new(1, 1);
    private volatile bool _isReady;

    public S3MediaStore(S3MediaOptions options)
    {
        _options = options;
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            AuthenticationRegion = options.Region,
            // Answers within a request's lifetime; the SDK's defaults wait minutes for an unreachable endpoint.
            Timeout = TimeSpan.FromSeconds(30),
            MaxErrorRetry = 2,
        };
        if (string.IsNullOrWhiteSpace(options.ServiceUrl)) config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        else config.ServiceURL = options.ServiceUrl;
        _protocol = options.ServiceUrl?.StartsWith("http://", StringComparison.OrdinalIgnoreCase) == true ? Protocol.HTTP : Protocol.HTTPS;
        _client = string.IsNullOrWhiteSpace(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }

    public string Bucket => _options.Bucket;

    public string KeyOf(string mediaId) => _options.KeyPrefix + mediaId;

    public async Task EnsureReadyAsync(CancellationToken ct)
    {
        if (_isReady || !_options.CreateBucket) return;
        await _ready.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_isReady) return;
            if (!await AmazonS3Util.DoesS3BucketExistV2Async(_client, _options.Bucket).ConfigureAwait(false))
            {
                try { await _client.PutBucketAsync(new PutBucketRequest { BucketName = _options.Bucket }, ct).ConfigureAwait(false); }
                catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists") { } // another edge was first
            }
            _isReady = true;
        }
        finally { _ready.Release(); }
    }

    public async Task<UploadTarget> UploadTargetAsync(MediaRecord record, DateTimeOffset expires, CancellationToken ct)
    {
        var request = new GetPreSignedUrlRequest
        {
            BucketName = _options.Bucket,
            Key = KeyOf(record.MediaId),
            Verb = HttpVerb.PUT,
            Expires = expires.UtcDateTime,
            Protocol = _protocol,
            ContentType = record.ContentType,
        };
        // Signed headers: S3 answers SignatureDoesNotMatch to a PUT with another content type or length.
        request.Headers.ContentLength = record.Size;
        var url = await _client.GetPreSignedURLAsync(request).ConfigureAwait(false);
        return new UploadTarget(new Uri(url), new Dictionary<string, string> { ["Content-Type"] = record.ContentType });
    }

    public async Task<Uri> DownloadUrlAsync(MediaRecord record, DateTimeOffset expires, CancellationToken ct)
    {
        var request = new GetPreSignedUrlRequest
        {
            BucketName = _options.Bucket,
            Key = KeyOf(record.MediaId),
            Verb = HttpVerb.GET,
            Expires = expires.UtcDateTime,
            Protocol = _protocol,
        };
        // The object's own headers are whatever the uploader sent; the download says what the catalog says.
        request.ResponseHeaderOverrides.ContentType = record.ContentType;
        request.ResponseHeaderOverrides.ContentDisposition = MediaContentDisposition.For(record);
        return new Uri(await _client.GetPreSignedURLAsync(request).ConfigureAwait(false));
    }

    public async Task<StoredObject?> StatAsync(MediaRecord record, CancellationToken ct)
    {
        try
        {
            var metadata = await _client.GetObjectMetadataAsync(_options.Bucket, KeyOf(record.MediaId), ct).ConfigureAwait(false);
            return new StoredObject(metadata.ContentLength, metadata.Headers.ContentType);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _ready.Dispose();
    }
}
