using Avro;
using Avro.Specific;
using ChatStreams.Contracts;

namespace chatstreams.v1;

/// <summary>
/// Create a conversation with its initial members. The issuing user becomes a member (and, for groups, an admin)
/// even if not listed.
/// </summary>
/// <remarks>Avro record chatstreams.v1.CreateConversation; the schema comes from the embedded .avsc (see <see cref="ChatStreams.Contracts.ContractSchemas"/>).</remarks>
public sealed class CreateConversation : ISpecificRecord
{
    /// <summary>The Avro schema of this record; Confluent's serdes and Avro's readers look it up under this name.</summary>
    public static readonly Schema _SCHEMA = ContractSchemas.Named("chatstreams.v1.CreateConversation");

    /// <inheritdoc/>
    public Schema Schema => _SCHEMA;

    /// <summary>
    /// direct (exactly two members, no admins) or group.
    /// </summary>
    public required ConversationKind Kind { get; set; }

    /// <summary>
    /// Display title of a group; null for direct conversations or untitled groups.
    /// </summary>
    public string? Title { get; set; }

    /// <summary>
    /// User ids of the initial members.
    /// </summary>
    public required IList<string> Members { get; set; } = new List<string>();

    /// <summary>
    /// User ids among the members who may change membership of a group.
    /// </summary>
    public IList<string> Admins { get; set; } = new List<string>();

    /// <summary>
    /// True for an end-to-end encrypted conversation (fixed at creation): its messages carry ciphertext, never a body.
    /// </summary>
    public bool Encrypted { get; set; }

    /// <inheritdoc/>
    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => Kind,
        1 => Title,
        2 => Members,
        3 => Admins,
        4 => Encrypted,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in CreateConversation.Get"),
    };

    /// <inheritdoc/>
    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: Kind = (ConversationKind)fieldValue!; break;
            case 1: Title = (string?)fieldValue; break;
            case 2: Members = (IList<string>)fieldValue!; break;
            case 3: Admins = (IList<string>)fieldValue!; break;
            case 4: Encrypted = (bool)fieldValue!; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in CreateConversation.Put");
        }
    }
}
