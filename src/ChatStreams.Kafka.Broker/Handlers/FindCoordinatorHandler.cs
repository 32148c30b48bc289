using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Handlers;

/// <summary>FindCoordinator v0–v2: this node coordinates every group (key type 0) and transactional id (key type 1).</summary>
public sealed class FindCoordinatorHandler(BrokerOptions options, Func<int> port) : IRequestHandler, IRequestErrorWriter
{
    public ApiKey Key => ApiKey.FindCoordinator;

    public ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var key = r.String(false);
        var keyType = context.Version >= 1 ? r.Int8() : (sbyte)0;
        if (keyType is not (0 or 1))
        {
            Write(context, w, ErrorCode.InvalidRequest, $"key type {keyType} is unknown (0 = group, 1 = transaction)");
            return ValueTask.CompletedTask;
        }
        if (string.IsNullOrEmpty(key))
        {
            Write(context, w, keyType == 0 ? ErrorCode.InvalidGroupId : ErrorCode.InvalidRequest, "the coordinator key is empty");
            return ValueTask.CompletedTask;
        }
        Write(context, w, ErrorCode.None, null);
        return ValueTask.CompletedTask;
    }

    public void WriteError(RequestContext context, KafkaWriter response, ErrorCode error) => Write(context, response, error, "malformed request");

    private void Write(RequestContext context, KafkaWriter w, ErrorCode error, string? message)
    {
        var v = context.Version;
        if (v >= 1) w.Int32(0);
        w.Int16((short)error);
        if (v >= 1) w.String(message, false);
        w.Int32(error == ErrorCode.None ? options.NodeId : -1);
        w.String(error == ErrorCode.None ? options.AdvertisedHost ?? options.Host : "", false);
        w.Int32(error == ErrorCode.None ? port() : -1);
    }
}
