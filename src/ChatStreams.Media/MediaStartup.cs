using ChatStreams.Media.Stores;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatStreams.Media;

/// <summary>
/// Prepares the S3 bucket at start so a wrong endpoint or key shows in the log at once. A failure does not stop the
/// edge (chat works without media); the store tries again on first use. The local store and the catalogs prepare
/// themselves on first use, so an edge that never sees media creates no files.
/// </summary>
internal sealed class MediaStartup(IOptions<MediaOptions> options, IServiceProvider services, ILogger<MediaStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.UsesS3) return;
        var store = (IMediaStore)services.GetService(typeof(IMediaStore))!;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(20));
            await store.EnsureReadyAsync(timeout.Token).ConfigureAwait(false);
            logger.LogInformation("Media in S3 bucket {Bucket} at {Endpoint}", options.Value.S3.Bucket, options.Value.S3.ServiceUrl ?? "AWS " + options.Value.S3.Region);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "The media bucket {Bucket} at {Endpoint} is not usable yet (uploads fail until it is): {Reason}",
                options.Value.S3.Bucket, options.Value.S3.ServiceUrl, e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
