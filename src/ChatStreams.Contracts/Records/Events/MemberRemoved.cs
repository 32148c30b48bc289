using Avro;
using Avro.Specific;
using ChatStreams.Contracts;

namespace chatstreams.v1;

/// <summary>
/// A user stopped being a member (removed by an admin, or left when memberId equals userId); they receive this
/// event and nothing after it.
/// </summary>
/// <remarks>Avro record chatstreams.v1.MemberRemoved; the schema comes from the embedded .avsc (see <see cref="ChatStreams.Contracts.ContractSchemas"/>).</remarks>
public sealed class MemberRemoved : ISpecificRecord
{
    /// <summary>The Avro schema of this record; Confluent's serdes and Avro's readers look it up under this name.</summary>
    public static readonly Schema _SCHEMA = ContractSchemas.Named("chatstreams.v1.MemberRemoved");

    /// <inheritdoc/>
    public Schema Schema => _SCHEMA;

    /// <summary>
    /// User id of the former member.
    /// </summary>
    public required string MemberId { get; set; }

    /// <inheritdoc/>
    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => MemberId,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in MemberRemoved.Get"),
    };

    /// <inheritdoc/>
    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: MemberId = (string)fieldValue!; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in MemberRemoved.Put");
        }
    }
}
