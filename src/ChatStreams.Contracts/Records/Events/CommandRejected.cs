using Avro;
using Avro.Specific;
using ChatStreams.Contracts;

namespace chatstreams.v1;

/// <summary>
/// The command was refused; nothing changed. Routed only to the issuing device, which shows an error frame.
/// </summary>
/// <remarks>Avro record chatstreams.v1.CommandRejected; the schema comes from the embedded .avsc (see <see cref="ChatStreams.Contracts.ContractSchemas"/>).</remarks>
public sealed class CommandRejected : ISpecificRecord
{
    /// <summary>The Avro schema of this record; Confluent's serdes and Avro's readers look it up under this name.</summary>
    public static readonly Schema _SCHEMA = ContractSchemas.Named("chatstreams.v1.CommandRejected");

    /// <inheritdoc/>
    public Schema Schema => _SCHEMA;

    /// <summary>
    /// Machine-readable error code as sent in the client's error frame, e.g. not_member, not_admin, not_found,
    /// not_author, invalid_command, conversation_exists (see RejectionCodes).
    /// </summary>
    public required string Code { get; set; }

    /// <summary>
    /// Human-readable explanation: what was wrong and what to do.
    /// </summary>
    public required string Reason { get; set; }

    /// <inheritdoc/>
    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => Code,
        1 => Reason,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in CommandRejected.Get"),
    };

    /// <inheritdoc/>
    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: Code = (string)fieldValue!; break;
            case 1: Reason = (string)fieldValue!; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in CommandRejected.Put");
        }
    }
}
