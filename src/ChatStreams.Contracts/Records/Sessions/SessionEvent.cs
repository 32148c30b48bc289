using Avro;
using Avro.Specific;
using ChatStreams.Contracts;

namespace chatstreams.v1;

/// <summary>
/// A device's WebSocket session changed at an edge. Topic chat.sessions, key: user id. Feeds the sessions table
/// (user -&gt; devices at edges) and presence.
/// </summary>
/// <remarks>Avro record chatstreams.v1.SessionEvent; the schema comes from the embedded .avsc (see <see cref="ChatStreams.Contracts.ContractSchemas"/>).</remarks>
public sealed class SessionEvent : ISpecificRecord
{
    /// <summary>The Avro schema of this record; Confluent's serdes and Avro's readers look it up under this name.</summary>
    public static readonly Schema _SCHEMA = ContractSchemas.Named("chatstreams.v1.SessionEvent");

    /// <inheritdoc/>
    public Schema Schema => _SCHEMA;

    /// <summary>
    /// User whose device connected; also the Kafka key.
    /// </summary>
    public required string UserId { get; set; }

    /// <summary>
    /// Device of the user (the ?deviceId= of the connection, or one the edge minted).
    /// </summary>
    public required string DeviceId { get; set; }

    /// <summary>
    /// Edge holding the connection; deliveries for the device go to topic delivery.&lt;edgeId&gt;.
    /// </summary>
    public required string EdgeId { get; set; }

    /// <summary>
    /// Unique id of this WebSocket connection; a Disconnect removes the session only if it names the connection
    /// the table holds, so a late disconnect from an old connection cannot drop a newer one.
    /// </summary>
    public required string ConnectionId { get; set; }

    /// <summary>
    /// Connect, Heartbeat (still connected, sent periodically) or Disconnect.
    /// </summary>
    public required SessionEventKind Kind { get; set; }

    /// <summary>
    /// When the edge observed it (UTC).
    /// </summary>
    public required DateTime At { get; set; }

    /// <summary>
    /// Why a Disconnect happened, e.g. client_closed, timeout, edge_shutdown, unauthorized; null for other kinds.
    /// </summary>
    public string? Reason { get; set; }

    /// <inheritdoc/>
    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => UserId,
        1 => DeviceId,
        2 => EdgeId,
        3 => ConnectionId,
        4 => Kind,
        5 => At,
        6 => Reason,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in SessionEvent.Get"),
    };

    /// <inheritdoc/>
    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: UserId = (string)fieldValue!; break;
            case 1: DeviceId = (string)fieldValue!; break;
            case 2: EdgeId = (string)fieldValue!; break;
            case 3: ConnectionId = (string)fieldValue!; break;
            case 4: Kind = (SessionEventKind)fieldValue!; break;
            case 5: At = (DateTime)fieldValue!; break;
            case 6: Reason = (string?)fieldValue; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in SessionEvent.Put");
        }
    }
}
