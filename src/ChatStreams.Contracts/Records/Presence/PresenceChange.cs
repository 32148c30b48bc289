using Avro;
using Avro.Specific;
using ChatStreams.Contracts;

namespace chatstreams.v1;

/// <summary>
/// A user's presence changed. Topic chat.presence (compacted), key: user id. Written by the presence topology
/// from session windows.
/// </summary>
/// <remarks>Avro record chatstreams.v1.PresenceChange; the schema comes from the embedded .avsc (see <see cref="ChatStreams.Contracts.ContractSchemas"/>).</remarks>
public sealed class PresenceChange : ISpecificRecord
{
    /// <summary>The Avro schema of this record; Confluent's serdes and Avro's readers look it up under this name.</summary>
    public static readonly Schema _SCHEMA = ContractSchemas.Named("chatstreams.v1.PresenceChange");

    /// <inheritdoc/>
    public Schema Schema => _SCHEMA;

    /// <summary>
    /// User whose presence changed; also the Kafka key.
    /// </summary>
    public required string UserId { get; set; }

    /// <summary>
    /// Online while any device has a live session; Offline after the last one ended or went silent past the
    /// inactivity gap.
    /// </summary>
    public required PresenceStatus Status { get; set; }

    /// <summary>
    /// Last time any device of the user showed activity (UTC).
    /// </summary>
    public required DateTime LastSeen { get; set; }

    /// <summary>
    /// Number of the user's devices with a live session (0 when Offline).
    /// </summary>
    public required int DevicesOnline { get; set; }

    /// <inheritdoc/>
    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => UserId,
        1 => Status,
        2 => LastSeen,
        3 => DevicesOnline,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in PresenceChange.Get"),
    };

    /// <inheritdoc/>
    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: UserId = (string)fieldValue!; break;
            case 1: Status = (PresenceStatus)fieldValue!; break;
            case 2: LastSeen = (DateTime)fieldValue!; break;
            case 3: DevicesOnline = (int)fieldValue!; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in PresenceChange.Put");
        }
    }
}
