using Microsoft.Extensions.Hosting;

namespace ChatStreams.Gateway;

/// <summary>
/// Leaves SIGINT/SIGTERM to the process that built the gateway. The default console lifetime would cancel those
/// signals and only raise ApplicationStopping, which a caller using StartAsync never sees, so the process would
/// not stop. Callers stop the gateway with StopAsync or RunAsync(cancellationToken).
/// </summary>
internal sealed class CallerOwnedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
