using Avro;
using Avro.Specific;
using ChatStreams.Contracts;

namespace chatstreams.v1;

/// <summary>
/// Replace the body of an earlier message (issuer must be its sender).
/// </summary>
/// <remarks>Avro record chatstreams.v1.EditMessage; the schema comes from the embedded .avsc (see <see cref="ChatStreams.Contracts.ContractSchemas"/>).</remarks>
public sealed class EditMessage : ISpecificRecord
{
    /// <summary>The Avro schema of this record; Confluent's serdes and Avro's readers look it up under this name.</summary>
    public static readonly Schema _SCHEMA = ContractSchemas.Named("chatstreams.v1.EditMessage");

    /// <inheritdoc/>
    public Schema Schema => _SCHEMA;

    /// <summary>
    /// Seq of the message to edit.
    /// </summary>
    public required long TargetSeq { get; set; }

    /// <summary>
    /// New message text.
    /// </summary>
    public required string Body { get; set; }

    /// <inheritdoc/>
    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => TargetSeq,
        1 => Body,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in EditMessage.Get"),
    };

    /// <inheritdoc/>
    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: TargetSeq = (long)fieldValue!; break;
            case 1: Body = (string)fieldValue!; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in EditMessage.Put");
        }
    }
}
