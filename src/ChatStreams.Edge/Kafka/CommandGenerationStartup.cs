using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Edge.Kafka;

/// <summary>
/// Registers the edge as a producer of chat.commands at start (not at its first command), so a partition rescale
/// waits for this edge's switch even while no client has sent anything yet.
/// </summary>
public sealed class CommandGenerationStartup(CommandPublisher commands, ILogger<CommandGenerationStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await commands.StartAsync();
        }
        catch (Exception e)
        {
            // Not fatal: the first command tries again (and fails visibly to its client if Kafka is still away).
            logger.LogWarning(e, "could not read the generation of chat.commands at start; retrying at the first command");
        }
    }
}
