using Avro;
using Avro.Specific;
using ChatStreams.Contracts;

namespace chatstreams.v1;

/// <summary>
/// W3C Trace Context of the operation that produced a record.
/// </summary>
/// <remarks>Avro record chatstreams.v1.TraceContext; the schema comes from the embedded .avsc (see <see cref="ChatStreams.Contracts.ContractSchemas"/>).</remarks>
public sealed class TraceContext : ISpecificRecord
{
    /// <summary>The Avro schema of this record; Confluent's serdes and Avro's readers look it up under this name.</summary>
    public static readonly Schema _SCHEMA = ContractSchemas.Named("chatstreams.v1.TraceContext");

    /// <inheritdoc/>
    public Schema Schema => _SCHEMA;

    /// <summary>
    /// W3C traceparent header value (version-traceid-parentid-flags).
    /// </summary>
    public required string TraceParent { get; set; }

    /// <summary>
    /// W3C tracestate header value; null when empty.
    /// </summary>
    public string? TraceState { get; set; }

    /// <inheritdoc/>
    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => TraceParent,
        1 => TraceState,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in TraceContext.Get"),
    };

    /// <inheritdoc/>
    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: TraceParent = (string)fieldValue!; break;
            case 1: TraceState = (string?)fieldValue; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in TraceContext.Put");
        }
    }
}
