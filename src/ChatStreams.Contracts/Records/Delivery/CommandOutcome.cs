using Avro;
using Avro.Specific;
using ChatStreams.Contracts;

namespace chatstreams.v1;

/// <summary>
/// The fate of a command, sent only to the device that issued it: the sequencer's re-ack of a duplicate, or a
/// rejection.
/// </summary>
/// <remarks>Avro record chatstreams.v1.CommandOutcome; the schema comes from the embedded .avsc (see <see cref="ChatStreams.Contracts.ContractSchemas"/>).</remarks>
public sealed class CommandOutcome : ISpecificRecord
{
    /// <summary>The Avro schema of this record; Confluent's serdes and Avro's readers look it up under this name.</summary>
    public static readonly Schema _SCHEMA = ContractSchemas.Named("chatstreams.v1.CommandOutcome");

    /// <inheritdoc/>
    public Schema Schema => _SCHEMA;

    /// <summary>
    /// Id of the command the outcome is about.
    /// </summary>
    public required string CommandId { get; set; }

    /// <summary>
    /// Client message id of the command, echoed as the 'id' of the ack or error frame; null when the client gave
    /// none.
    /// </summary>
    public string? ClientMessageId { get; set; }

    /// <summary>
    /// Accepted (sequenced), Duplicate (an earlier command with the same client message id was sequenced) or
    /// Rejected.
    /// </summary>
    public required CommandStatus Status { get; set; }

    /// <summary>
    /// Seq the command's message got (Accepted, Duplicate: the original seq) or the conversation's last seq when
    /// Rejected.
    /// </summary>
    public required long Seq { get; set; }

    /// <summary>
    /// Error code when Rejected (see CommandRejected.code); null otherwise.
    /// </summary>
    public string? Code { get; set; }

    /// <summary>
    /// Human-readable reason when Rejected; null otherwise.
    /// </summary>
    public string? Reason { get; set; }

    /// <inheritdoc/>
    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => CommandId,
        1 => ClientMessageId,
        2 => Status,
        3 => Seq,
        4 => Code,
        5 => Reason,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in CommandOutcome.Get"),
    };

    /// <inheritdoc/>
    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: CommandId = (string)fieldValue!; break;
            case 1: ClientMessageId = (string?)fieldValue; break;
            case 2: Status = (CommandStatus)fieldValue!; break;
            case 3: Seq = (long)fieldValue!; break;
            case 4: Code = (string?)fieldValue; break;
            case 5: Reason = (string?)fieldValue; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in CommandOutcome.Put");
        }
    }
}
