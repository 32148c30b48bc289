using Microsoft.Extensions.Hosting;

namespace ChatStreams.SchemaRegistry.Http;

/// <summary>
/// Replaces the default console lifetime: the embedded registry must not hook Ctrl+C/SIGTERM or print
/// "press Ctrl+C" — the process hosting it decides when it stops (by disposing the server).
/// </summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
