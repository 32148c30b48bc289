using Avro;
using Avro.Specific;
using ChatStreams.Contracts;

namespace chatstreams.v1;

/// <summary>
/// The issuer's device has received or read the conversation up to a seq.
/// </summary>
/// <remarks>Avro record chatstreams.v1.Receipt; the schema comes from the embedded .avsc (see <see cref="ChatStreams.Contracts.ContractSchemas"/>).</remarks>
public sealed class Receipt : ISpecificRecord
{
    /// <summary>The Avro schema of this record; Confluent's serdes and Avro's readers look it up under this name.</summary>
    public static readonly Schema _SCHEMA = ContractSchemas.Named("chatstreams.v1.Receipt");

    /// <inheritdoc/>
    public Schema Schema => _SCHEMA;

    /// <summary>
    /// Delivered (arrived on the device) or Read (shown to the user); Read implies Delivered.
    /// </summary>
    public required ReceiptStatus Status { get; set; }

    /// <summary>
    /// Highest seq covered; the receipt covers every seq less than or equal to it.
    /// </summary>
    public required long Seq { get; set; }

    /// <inheritdoc/>
    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => Status,
        1 => Seq,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in Receipt.Get"),
    };

    /// <inheritdoc/>
    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: Status = (ReceiptStatus)fieldValue!; break;
            case 1: Seq = (long)fieldValue!; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in Receipt.Put");
        }
    }
}
