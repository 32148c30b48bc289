using Avro;
using Avro.Specific;
using ChatStreams.Contracts;

namespace chatstreams.v1;

/// <summary>
/// A user became a member; they see events from this seq on.
/// </summary>
/// <remarks>Avro record chatstreams.v1.MemberAdded; the schema comes from the embedded .avsc (see <see cref="ChatStreams.Contracts.ContractSchemas"/>).</remarks>
public sealed class MemberAdded : ISpecificRecord
{
    /// <summary>The Avro schema of this record; Confluent's serdes and Avro's readers look it up under this name.</summary>
    public static readonly Schema _SCHEMA = ContractSchemas.Named("chatstreams.v1.MemberAdded");

    /// <inheritdoc/>
    public Schema Schema => _SCHEMA;

    /// <summary>
    /// User id of the new member.
    /// </summary>
    public required string MemberId { get; set; }

    /// <summary>
    /// Role the new member has.
    /// </summary>
    public MemberRole Role { get; set; } = MemberRole.Member;

    /// <inheritdoc/>
    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => MemberId,
        1 => Role,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in MemberAdded.Get"),
    };

    /// <inheritdoc/>
    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: MemberId = (string)fieldValue!; break;
            case 1: Role = (MemberRole)fieldValue!; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in MemberAdded.Put");
        }
    }
}
