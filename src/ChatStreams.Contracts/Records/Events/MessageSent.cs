using Avro;
using Avro.Specific;
using ChatStreams.Contracts;

namespace chatstreams.v1;

/// <summary>
/// A message was posted; the event's seq is the message's position.
/// </summary>
/// <remarks>Avro record chatstreams.v1.MessageSent; the schema comes from the embedded .avsc (see <see cref="ChatStreams.Contracts.ContractSchemas"/>).</remarks>
public sealed class MessageSent : ISpecificRecord
{
    /// <summary>The Avro schema of this record; Confluent's serdes and Avro's readers look it up under this name.</summary>
    public static readonly Schema _SCHEMA = ContractSchemas.Named("chatstreams.v1.MessageSent");

    /// <inheritdoc/>
    public Schema Schema => _SCHEMA;

    /// <summary>
    /// Unique id of the message (the 'messageId' of a message frame).
    /// </summary>
    public required string MessageId { get; set; }

    /// <summary>
    /// Message text.
    /// </summary>
    public required string Body { get; set; }

    /// <summary>
    /// Media attached to the message, in display order.
    /// </summary>
    public IList<Attachment> Attachments { get; set; } = new List<Attachment>();

    /// <summary>
    /// End-to-end encrypted message (opaque to the server: a client envelope holding one encrypted copy per recipient
    /// device); set exactly in encrypted conversations, where body is empty and attachments are refused. Null otherwise.
    /// </summary>
    public byte[]? Ciphertext { get; set; }

    /// <inheritdoc/>
    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => MessageId,
        1 => Body,
        2 => Attachments,
        3 => Ciphertext,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in MessageSent.Get"),
    };

    /// <inheritdoc/>
    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: MessageId = (string)fieldValue!; break;
            case 1: Body = (string)fieldValue!; break;
            case 2: Attachments = (IList<Attachment>)fieldValue!; break;
            case 3: Ciphertext = (byte[]?)fieldValue; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in MessageSent.Put");
        }
    }
}
