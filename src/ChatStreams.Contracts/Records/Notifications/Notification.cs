using Avro;
using Avro.Specific;
using ChatStreams.Contracts;

namespace chatstreams.v1;

/// <summary>
/// A message for a member who has no live session; the push sender turns it into a push notification. Topic
/// chat.notifications, key: user id (the recipient).
/// </summary>
/// <remarks>Avro record chatstreams.v1.Notification; the schema comes from the embedded .avsc (see <see cref="ChatStreams.Contracts.ContractSchemas"/>).</remarks>
public sealed class Notification : ISpecificRecord
{
    /// <summary>The Avro schema of this record; Confluent's serdes and Avro's readers look it up under this name.</summary>
    public static readonly Schema _SCHEMA = ContractSchemas.Named("chatstreams.v1.Notification");

    /// <inheritdoc/>
    public Schema Schema => _SCHEMA;

    /// <summary>
    /// Recipient; also the Kafka key.
    /// </summary>
    public required string UserId { get; set; }

    /// <summary>
    /// Conversation of the message.
    /// </summary>
    public required string ConversationId { get; set; }

    /// <summary>
    /// Seq of the message; (userId, conversationId, seq) identifies the notification, so the push sender can drop
    /// repeats.
    /// </summary>
    public required long Seq { get; set; }

    /// <summary>
    /// User who sent the message.
    /// </summary>
    public required string SenderId { get; set; }

    /// <summary>
    /// Start of the message body, shortened for a push banner (may be empty for attachment-only messages).
    /// </summary>
    public required string Preview { get; set; }

    /// <summary>
    /// When the notification was created (UTC).
    /// </summary>
    public required DateTime CreatedAt { get; set; }

    /// <summary>
    /// Title of a group conversation for the banner; null for direct conversations or when unknown.
    /// </summary>
    public string? ConversationTitle { get; set; }

    /// <inheritdoc/>
    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => UserId,
        1 => ConversationId,
        2 => Seq,
        3 => SenderId,
        4 => Preview,
        5 => CreatedAt,
        6 => ConversationTitle,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in Notification.Get"),
    };

    /// <inheritdoc/>
    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: UserId = (string)fieldValue!; break;
            case 1: ConversationId = (string)fieldValue!; break;
            case 2: Seq = (long)fieldValue!; break;
            case 3: SenderId = (string)fieldValue!; break;
            case 4: Preview = (string)fieldValue!; break;
            case 5: CreatedAt = (DateTime)fieldValue!; break;
            case 6: ConversationTitle = (string?)fieldValue; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in Notification.Put");
        }
    }
}
