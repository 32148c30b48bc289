using System.Net;
using ChatStreams.Kafka.Broker.Protocol;

namespace ChatStreams.Kafka.Broker.Server;

/// <summary>One request as a handler sees it: header, body reader and how to answer.</summary>
public sealed class RequestContext(RequestHeader header, KafkaReader body, EndPoint? client, string connectionId)
{
    public RequestHeader Header { get; } = header;
    public short Version => Header.ApiVersion;
    public bool Flexible { get; } = SupportedApis.IsFlexible(header.ApiKey, header.ApiVersion);
    public KafkaReader Body { get; } = body;
    public EndPoint? Client { get; } = client;
    public string ConnectionId { get; } = connectionId;

    /// <summary>Set by handlers that must not answer (Produce with acks=0).</summary>
    public bool NoResponse { get; set; }

    /// <summary>
    /// A response whose body is finished later (e.g. Produce waiting for fsync). The connection keeps
    /// reading and processing the next requests meanwhile, but sends responses strictly in request order.
    /// </summary>
    public Func<KafkaWriter, Task>? DeferredBody { get; private set; }

    public void Defer(Func<KafkaWriter, Task> completeBody) => DeferredBody = completeBody;
}
