using Microsoft.Extensions.Hosting;

namespace ChatStreams.Identity;

/// <summary>
/// Reaches MongoDB and creates the unique username index when the host starts, so a wrong Auth__MongoUrl stops
/// startup with a clear message instead of failing the first sign-up. Does nothing when accounts live in SQLite.
/// </summary>
internal sealed class MongoUserDirectoryStartup(IUserDirectory directory) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        directory is MongoUserDirectory mongo ? mongo.InitializeAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
