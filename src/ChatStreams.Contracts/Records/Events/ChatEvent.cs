using Avro;
using Avro.Specific;
using ChatStreams.Contracts;

namespace chatstreams.v1;

/// <summary>
/// A fact the conversation topology decided, in conversation order. Topic chat.events, key: conversation id. The
/// system of record that history, search, analytics and fan-out read.
/// </summary>
/// <remarks>Avro record chatstreams.v1.ChatEvent; the schema comes from the embedded .avsc (see <see cref="ChatStreams.Contracts.ContractSchemas"/>).</remarks>
public sealed class ChatEvent : ISpecificRecord
{
    /// <summary>The Avro schema of this record; Confluent's serdes and Avro's readers look it up under this name.</summary>
    public static readonly Schema _SCHEMA = ContractSchemas.Named("chatstreams.v1.ChatEvent");

    /// <inheritdoc/>
    public Schema Schema => _SCHEMA;

    /// <summary>
    /// Conversation the event belongs to; also the Kafka key.
    /// </summary>
    public required string ConversationId { get; set; }

    /// <summary>
    /// Position in the conversation: 1, 2, 3 ... with no gaps, assigned by the sequencer. CommandRejected and
    /// CommandDeduplicated do not take a position: they carry the conversation's last assigned seq (0 if none),
    /// and consumers keyed by (conversation, seq) such as history must skip them.
    /// </summary>
    public required long Seq { get; set; }

    /// <summary>
    /// Unique id of this event (UUID).
    /// </summary>
    public required string EventId { get; set; }

    /// <summary>
    /// Id of the ChatCommand that caused the event.
    /// </summary>
    public required string CommandId { get; set; }

    /// <summary>
    /// Client message id of the causing command (the 'id' of the client's frame); null when the client gave none.
    /// </summary>
    public string? ClientMessageId { get; set; }

    /// <summary>
    /// User who issued the causing command (the sender, editor, admin, ...).
    /// </summary>
    public required string UserId { get; set; }

    /// <summary>
    /// Device that issued the causing command; CommandRejected and CommandDeduplicated go back to it.
    /// </summary>
    public required string DeviceId { get; set; }

    /// <summary>
    /// Edge that accepted the causing command; lets replies reach the device even before its session is known.
    /// Null when unknown.
    /// </summary>
    public string? EdgeId { get; set; }

    /// <summary>
    /// When the sequencer decided the event (UTC). This is the message's sent time.
    /// </summary>
    public required DateTime OccurredAt { get; set; }

    /// <summary>
    /// issuedAt of the causing command (UTC), for end-to-end latency facts; null when unknown.
    /// </summary>
    public DateTime? CommandIssuedAt { get; set; }

    /// <summary>
    /// Trace context propagated from the causing command; null when tracing is off.
    /// </summary>
    public TraceContext? Trace { get; set; }

    /// <summary>
    /// What happened; exactly one of the event types.
    /// </summary>
    /// <remarks>One of <see cref="ConversationCreated"/>, <see cref="MemberAdded"/>, <see cref="MemberRemoved"/>, <see cref="MessageSent"/>, <see cref="MessageEdited"/>, <see cref="MessageDeleted"/>, <see cref="ReactionChanged"/>, <see cref="CommandRejected"/>, <see cref="CommandDeduplicated"/> (Avro union; the C# type is object as Avro's code generator maps it).</remarks>
    public required object Payload { get; set; }

    /// <summary>
    /// The receipt update this event caused for its issuer (their read mark moved to this event), carried with it so
    /// the recipients it concerns get its receipt frames with the event (the fan-out marks them on their deliveries,
    /// <see cref="Delivery.WithIssuerReceipt"/>); the same update is on chat.receipts with
    /// <see cref="ReceiptUpdate.CarriedBySeq"/> = seq. Null when the issuer's marks did not move.
    /// </summary>
    public ReceiptUpdate? IssuerReceipt { get; set; }

    /// <inheritdoc/>
    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => ConversationId,
        1 => Seq,
        2 => EventId,
        3 => CommandId,
        4 => ClientMessageId,
        5 => UserId,
        6 => DeviceId,
        7 => EdgeId,
        8 => OccurredAt,
        9 => CommandIssuedAt,
        10 => Trace,
        11 => Payload,
        12 => IssuerReceipt,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in ChatEvent.Get"),
    };

    /// <inheritdoc/>
    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: ConversationId = (string)fieldValue!; break;
            case 1: Seq = (long)fieldValue!; break;
            case 2: EventId = (string)fieldValue!; break;
            case 3: CommandId = (string)fieldValue!; break;
            case 4: ClientMessageId = (string?)fieldValue; break;
            case 5: UserId = (string)fieldValue!; break;
            case 6: DeviceId = (string)fieldValue!; break;
            case 7: EdgeId = (string?)fieldValue; break;
            case 8: OccurredAt = (DateTime)fieldValue!; break;
            case 9: CommandIssuedAt = (DateTime?)fieldValue; break;
            case 10: Trace = (TraceContext?)fieldValue; break;
            case 11: Payload = fieldValue!; break;
            case 12: IssuerReceipt = (ReceiptUpdate?)fieldValue; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in ChatEvent.Put");
        }
    }
}
