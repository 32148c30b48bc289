using Avro;
using Avro.Specific;
using ChatStreams.Contracts;

namespace chatstreams.v1;

/// <summary>
/// Add or remove the issuer's reaction on a message.
/// </summary>
/// <remarks>Avro record chatstreams.v1.React; the schema comes from the embedded .avsc (see <see cref="ChatStreams.Contracts.ContractSchemas"/>).</remarks>
public sealed class React : ISpecificRecord
{
    /// <summary>The Avro schema of this record; Confluent's serdes and Avro's readers look it up under this name.</summary>
    public static readonly Schema _SCHEMA = ContractSchemas.Named("chatstreams.v1.React");

    /// <inheritdoc/>
    public Schema Schema => _SCHEMA;

    /// <summary>
    /// Seq of the message reacted to.
    /// </summary>
    public required long TargetSeq { get; set; }

    /// <summary>
    /// The reaction, one emoji grapheme (e.g. a thumbs-up).
    /// </summary>
    public required string Emoji { get; set; }

    /// <summary>
    /// Whether the reaction is added or taken back.
    /// </summary>
    public ReactionAction Action { get; set; } = ReactionAction.Add;

    /// <inheritdoc/>
    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => TargetSeq,
        1 => Emoji,
        2 => Action,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in React.Get"),
    };

    /// <inheritdoc/>
    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: TargetSeq = (long)fieldValue!; break;
            case 1: Emoji = (string)fieldValue!; break;
            case 2: Action = (ReactionAction)fieldValue!; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in React.Put");
        }
    }
}
