using Avro;
using Avro.Specific;
using ChatStreams.Contracts;

namespace chatstreams.v1;

/// <summary>
/// Post a message; deduplicated by (conversation, clientMessageId).
/// </summary>
/// <remarks>Avro record chatstreams.v1.SendMessage; the schema comes from the embedded .avsc (see <see cref="ChatStreams.Contracts.ContractSchemas"/>).</remarks>
public sealed class SendMessage : ISpecificRecord
{
    /// <summary>The Avro schema of this record; Confluent's serdes and Avro's readers look it up under this name.</summary>
    public static readonly Schema _SCHEMA = ContractSchemas.Named("chatstreams.v1.SendMessage");

    /// <inheritdoc/>
    public Schema Schema => _SCHEMA;

    /// <summary>
    /// Message text as the user typed it (UTF-8, size-limited by the edge).
    /// </summary>
    public required string Body { get; set; }

    /// <summary>
    /// Media attached to the message, in display order.
    /// </summary>
    public IList<Attachment> Attachments { get; set; } = new List<Attachment>();

    /// <inheritdoc/>
    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => Body,
        1 => Attachments,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in SendMessage.Get"),
    };

    /// <inheritdoc/>
    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: Body = (string)fieldValue!; break;
            case 1: Attachments = (IList<Attachment>)fieldValue!; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in SendMessage.Put");
        }
    }
}
