using Microsoft.Extensions.Hosting;

namespace ChatStreams.Host;

/// <summary>
/// The host's own small web endpoints must not hook SIGTERM/Ctrl+C: the default console lifetime would swallow
/// the signal, and `up` would never stop. The command's cancellation token decides when everything stops.
/// </summary>
internal sealed class HostedByProcessLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
