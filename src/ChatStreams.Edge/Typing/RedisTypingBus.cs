using System.Text.Json;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ChatStreams.Edge.Typing;

/// <summary>Typing signals over one Redis pub/sub channel shared by all edges.</summary>
public sealed class RedisTypingBus(IConnectionMultiplexer redis, ILogger<RedisTypingBus> logger) : ITypingBus
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("chatstreams:typing");

    public async Task PublishAsync(TypingSignal signal)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(Channel, JsonSerializer.Serialize(signal));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // Typing is ephemeral: a lost indicator is not worth failing the client's frame for.
            logger.LogWarning("Typing signal not published: {Reason}", e.Message);
        }
    }

    public void Subscribe(Action<TypingSignal> onSignal) =>
        redis.GetSubscriber().Subscribe(Channel, (_, message) =>
        {
            try
            {
                if (message.HasValue && JsonSerializer.Deserialize<TypingSignal>(message.ToString()) is { } signal) onSignal(signal);
            }
            catch (JsonException e)
            {
                logger.LogWarning("Ignored an unreadable typing signal: {Reason}", e.Message);
            }
        });
}
