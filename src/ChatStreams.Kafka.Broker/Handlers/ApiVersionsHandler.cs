using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Handlers;

/// <summary>ApiVersions v0–v3: advertises exactly <see cref="SupportedApis"/>.</summary>
public sealed class ApiVersionsHandler : IRequestHandler, IRequestErrorWriter
{
    public ApiKey Key => ApiKey.ApiVersions;

    public ValueTask HandleAsync(RequestContext context, KafkaWriter response, CancellationToken cancellationToken)
    {
        if (context.Version >= 3)
        {
            context.Body.NullableString(flexible: true); // client software name
            context.Body.NullableString(flexible: true); // client software version
            context.Body.TaggedFields(flexible: true);
        }
        Write(context.Version, context.Flexible, response, ErrorCode.None);
        return ValueTask.CompletedTask;
    }

    public void WriteError(RequestContext context, KafkaWriter response, ErrorCode error) =>
        Write(context.Version, context.Flexible, response, error);

    /// <summary>The body a client of any version can parse: error code + classic array (KIP-511 fallback).</summary>
    public static void WriteV0Error(KafkaWriter w, ErrorCode error) => Write(0, false, w, error);

    private static void Write(short version, bool flexible, KafkaWriter w, ErrorCode error)
    {
        w.Int16((short)error);
        w.Array(SupportedApis.All, flexible, (x, r) =>
        {
            x.Int16((short)r.Key);
            x.Int16(r.Min);
            x.Int16(r.Max);
            x.TaggedFields(flexible);
        });
        if (version >= 1) w.Int32(0); // throttle time
        w.TaggedFields(flexible);
    }
}
