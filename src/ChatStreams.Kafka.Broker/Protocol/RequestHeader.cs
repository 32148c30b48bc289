namespace ChatStreams.Kafka.Broker.Protocol;

/// <summary>Request header v1 (non-flexible) or v2 (flexible: + tagged fields). client_id stays a classic nullable string.</summary>
public sealed record RequestHeader(ApiKey ApiKey, short ApiVersion, int CorrelationId, string? ClientId)
{
    /// <summary>Reads the fixed part; the caller decides flexibility from the API table and then skips header tags.</summary>
    public static RequestHeader Read(KafkaReader reader)
    {
        var key = (ApiKey)reader.Int16();
        var version = reader.Int16();
        var correlationId = reader.Int32();
        var clientId = reader.NullableString(flexible: false);
        return new RequestHeader(key, version, correlationId, clientId);
    }
}
