using Avro;
using Avro.Specific;
using ChatStreams.Contracts;

namespace chatstreams.v1;

/// <summary>
/// A member's aggregated receipt state in a conversation changed. Topic chat.receipts, key: conversation id.
/// Written by the receipts topology, fanned out to the other members.
/// </summary>
/// <remarks>Avro record chatstreams.v1.ReceiptUpdate; the schema comes from the embedded .avsc (see <see cref="ChatStreams.Contracts.ContractSchemas"/>).</remarks>
public sealed class ReceiptUpdate : ISpecificRecord
{
    /// <summary>The Avro schema of this record; Confluent's serdes and Avro's readers look it up under this name.</summary>
    public static readonly Schema _SCHEMA = ContractSchemas.Named("chatstreams.v1.ReceiptUpdate");

    /// <inheritdoc/>
    public Schema Schema => _SCHEMA;

    /// <summary>
    /// Conversation the receipts are about; also the Kafka key.
    /// </summary>
    public required string ConversationId { get; set; }

    /// <summary>
    /// Member whose receipts these are.
    /// </summary>
    public required string UserId { get; set; }

    /// <summary>
    /// Highest seq delivered to any of the member's devices; every seq up to it is delivered. Never decreases;
    /// always &gt;= readSeq.
    /// </summary>
    public required long DeliveredSeq { get; set; }

    /// <summary>
    /// Highest seq the member has read; every seq up to it is read. Never decreases; 0 when nothing is read.
    /// </summary>
    public required long ReadSeq { get; set; }

    /// <summary>
    /// When the receipt that caused this update was issued (UTC).
    /// </summary>
    public required DateTime At { get; set; }

    /// <summary>
    /// Highest seq every current member has read (the minimum of the members' readSeq): a message with
    /// seq &lt;= readByAllSeq is read by all. 0 when unknown.
    /// </summary>
    public long ReadByAllSeq { get; set; }

    /// <summary>
    /// Highest seq delivered to every current member (the minimum of the members' deliveredSeq). 0 when unknown.
    /// </summary>
    public long DeliveredToAllSeq { get; set; }

    /// <summary>
    /// Senders (other than this member) of the messages this update newly covers; the fan-out sends them the
    /// receipt frame. Empty when the update covers none of their messages.
    /// </summary>
    public IList<string> CoveredSenders { get; set; } = [];

    /// <summary>
    /// Seq of the conversation event that carries this update to its recipients: the issuer's own event moved their
    /// read mark, and the event (its <see cref="ChatEvent.IssuerReceipt"/>) brings the receipt frames to them, so the
    /// fan-out sends no delivery of its own for the update. 0 when the update travels alone.
    /// </summary>
    public long CarriedBySeq { get; set; }

    /// <inheritdoc/>
    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => ConversationId,
        1 => UserId,
        2 => DeliveredSeq,
        3 => ReadSeq,
        4 => At,
        5 => ReadByAllSeq,
        6 => DeliveredToAllSeq,
        7 => CoveredSenders,
        8 => CarriedBySeq,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in ReceiptUpdate.Get"),
    };

    /// <inheritdoc/>
    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: ConversationId = (string)fieldValue!; break;
            case 1: UserId = (string)fieldValue!; break;
            case 2: DeliveredSeq = (long)fieldValue!; break;
            case 3: ReadSeq = (long)fieldValue!; break;
            case 4: At = (DateTime)fieldValue!; break;
            case 5: ReadByAllSeq = (long)fieldValue!; break;
            case 6: DeliveredToAllSeq = (long)fieldValue!; break;
            case 7: CoveredSenders = (IList<string>)fieldValue!; break;
            case 8: CarriedBySeq = (long)fieldValue!; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in ReceiptUpdate.Put");
        }
    }
}
