using Avro;
using Avro.Specific;
using ChatStreams.Contracts;

namespace chatstreams.v1;

/// <summary>
/// Delete an earlier message for everyone (issuer must be its sender or a group admin).
/// </summary>
/// <remarks>Avro record chatstreams.v1.DeleteMessage; the schema comes from the embedded .avsc (see <see cref="ChatStreams.Contracts.ContractSchemas"/>).</remarks>
public sealed class DeleteMessage : ISpecificRecord
{
    /// <summary>The Avro schema of this record; Confluent's serdes and Avro's readers look it up under this name.</summary>
    public static readonly Schema _SCHEMA = ContractSchemas.Named("chatstreams.v1.DeleteMessage");

    /// <inheritdoc/>
    public Schema Schema => _SCHEMA;

    /// <summary>
    /// Seq of the message to delete.
    /// </summary>
    public required long TargetSeq { get; set; }

    /// <inheritdoc/>
    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => TargetSeq,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in DeleteMessage.Get"),
    };

    /// <inheritdoc/>
    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: TargetSeq = (long)fieldValue!; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in DeleteMessage.Put");
        }
    }
}
