using ChatStreams.Kafka.Broker.Protocol;

namespace ChatStreams.Kafka.Broker.Server;

/// <summary>Serves one API: reads the request body from the context and writes the response body.</summary>
public interface IRequestHandler
{
    ApiKey Key { get; }
    ValueTask HandleAsync(RequestContext context, KafkaWriter response, CancellationToken cancellationToken);
}
