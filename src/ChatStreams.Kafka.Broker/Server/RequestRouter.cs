using System.Net;
using ChatStreams.Kafka.Broker.Handlers;
using ChatStreams.Kafka.Broker.Protocol;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Kafka.Broker.Server;

/// <summary>
/// Decodes the request header, picks the handler for the API and frames the response. A request that cannot
/// be decoded gets an error response where the API has a top-level error code; otherwise the connection is
/// closed, as Kafka does. Nothing a client sends can take the broker down.
/// </summary>
internal sealed class RequestRouter
{
    private readonly Dictionary<ApiKey, IRequestHandler> _handlers;
    private readonly ILogger _logger;
    private readonly Action<string> _connectionClosed;

    public RequestRouter(IEnumerable<IRequestHandler> handlers, ILogger logger, Action<string> connectionClosed)
    {
        _handlers = handlers.ToDictionary(h => h.Key);
        _logger = logger;
        _connectionClosed = connectionClosed;
        foreach (var range in SupportedApis.All)
            if (!_handlers.ContainsKey(range.Key))
                throw new InvalidOperationException($"API {range.Key} is advertised but has no handler");
    }

    public void ConnectionClosed(string connectionId) => _connectionClosed(connectionId);

    /// <returns>The pending response frame, or null when the request gets no response (acks=0).</returns>
    /// <exception cref="MalformedRequestException">the connection must be closed.</exception>
    public async ValueTask<Task<ReadOnlyMemory<byte>?>?> DispatchAsync(byte[] frame, int length, EndPoint? client, string connectionId, CancellationToken ct)
    {
        var reader = new KafkaReader(frame, 0, length);
        var header = RequestHeader.Read(reader);
        var range = SupportedApis.Find(header.ApiKey);
        if (range is null || !_handlers.TryGetValue(header.ApiKey, out var handler))
            throw new MalformedRequestException($"unknown API key {(short)header.ApiKey}");

        if (header.ApiVersion < range.Min || header.ApiVersion > range.Max)
        {
            if (header.ApiKey != ApiKey.ApiVersions)
                throw new MalformedRequestException($"{header.ApiKey} v{header.ApiVersion} is not supported ({range.Min}-{range.Max})");
            // KIP-511: answer an unknown ApiVersions version with a v0-shaped body carrying our table.
            var w = StartResponse(header, flexibleHeader: false);
            ApiVersionsHandler.WriteV0Error(w, ErrorCode.UnsupportedVersion);
            return Task.FromResult<ReadOnlyMemory<byte>?>(w.ToFrame());
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var context = new RequestContext(header, reader, client, connectionId);
        // ApiVersions always answers with response header v0, even in its flexible versions.
        var response = StartResponse(header, context.Flexible && header.ApiKey != ApiKey.ApiVersions);
        try
        {
            reader.TaggedFields(context.Flexible); // request header v2 tags
            await handler.HandleAsync(context, response, ct);
        }
        catch (MalformedRequestException e)
        {
            _logger.LogWarning("malformed {Api} v{Version} request from {Client} ({ClientId}): {Reason}",
                header.ApiKey, header.ApiVersion, client, header.ClientId, e.Message);
            if (handler is not IRequestErrorWriter errorWriter) throw;
            response = StartResponse(header, context.Flexible && header.ApiKey != ApiKey.ApiVersions);
            errorWriter.WriteError(context, response, ErrorCode.InvalidRequest);
            return Task.FromResult<ReadOnlyMemory<byte>?>(response.ToFrame());
        }
        if (context.NoResponse) return null;
        if (context.DeferredBody is { } complete)
            return CompleteLaterAsync(response, complete, header.ApiKey, started);
        BrokerMetrics.RecordRequest(header.ApiKey, started);
        return Task.FromResult<ReadOnlyMemory<byte>?>(response.ToFrame());
    }

    private static async Task<ReadOnlyMemory<byte>?> CompleteLaterAsync(KafkaWriter response, Func<KafkaWriter, Task> complete, ApiKey api, long started)
    {
        await complete(response);
        BrokerMetrics.RecordRequest(api, started);
        return response.ToFrame();
    }

    private static KafkaWriter StartResponse(RequestHeader header, bool flexibleHeader)
    {
        var w = new KafkaWriter();
        w.Int32(header.CorrelationId);
        w.TaggedFields(flexibleHeader);
        return w;
    }
}

/// <summary>Handlers whose response has a top-level error code implement this to answer undecodable requests.</summary>
public interface IRequestErrorWriter
{
    void WriteError(RequestContext context, KafkaWriter response, ErrorCode error);
}
