using Avro;
using Avro.Specific;
using ChatStreams.Contracts;

namespace chatstreams.v1;

/// <summary>
/// The command repeated an earlier SendMessage (same conversation and clientMessageId); nothing changed. Routed
/// only to the issuing device as a re-ack of the original.
/// </summary>
/// <remarks>Avro record chatstreams.v1.CommandDeduplicated; the schema comes from the embedded .avsc (see <see cref="ChatStreams.Contracts.ContractSchemas"/>).</remarks>
public sealed class CommandDeduplicated : ISpecificRecord
{
    /// <summary>The Avro schema of this record; Confluent's serdes and Avro's readers look it up under this name.</summary>
    public static readonly Schema _SCHEMA = ContractSchemas.Named("chatstreams.v1.CommandDeduplicated");

    /// <inheritdoc/>
    public Schema Schema => _SCHEMA;

    /// <summary>
    /// Seq the original message got.
    /// </summary>
    public required long OriginalSeq { get; set; }

    /// <summary>
    /// eventId of the original MessageSent event.
    /// </summary>
    public required string OriginalEventId { get; set; }

    /// <summary>
    /// commandId of the original command.
    /// </summary>
    public required string OriginalCommandId { get; set; }

    /// <inheritdoc/>
    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => OriginalSeq,
        1 => OriginalEventId,
        2 => OriginalCommandId,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in CommandDeduplicated.Get"),
    };

    /// <inheritdoc/>
    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: OriginalSeq = (long)fieldValue!; break;
            case 1: OriginalEventId = (string)fieldValue!; break;
            case 2: OriginalCommandId = (string)fieldValue!; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in CommandDeduplicated.Put");
        }
    }
}
