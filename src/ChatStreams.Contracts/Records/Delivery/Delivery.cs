using Avro;
using Avro.Specific;
using ChatStreams.Contracts;

namespace chatstreams.v1;

/// <summary>
/// Something one user's devices at one edge must receive. Topic delivery.&lt;edge-id&gt; (one per edge), key:
/// user id. Written by the fan-out, receipts and presence topologies; the edge turns it into a WebSocket frame.
/// </summary>
/// <remarks>Avro record chatstreams.v1.Delivery; the schema comes from the embedded .avsc (see <see cref="ChatStreams.Contracts.ContractSchemas"/>).</remarks>
public sealed class Delivery : ISpecificRecord
{
    /// <summary>The Avro schema of this record; Confluent's serdes and Avro's readers look it up under this name.</summary>
    public static readonly Schema _SCHEMA = ContractSchemas.Named("chatstreams.v1.Delivery");

    /// <inheritdoc/>
    public Schema Schema => _SCHEMA;

    /// <summary>
    /// Recipient user; also the Kafka key.
    /// </summary>
    public required string UserId { get; set; }

    /// <summary>
    /// Recipient device; null means every device of the user connected to this edge.
    /// </summary>
    public string? DeviceId { get; set; }

    /// <summary>
    /// Conversation the payload belongs to; null for presence changes.
    /// </summary>
    public string? ConversationId { get; set; }

    /// <summary>
    /// Seq of the carried ChatEvent (clients apply frames idempotently by conversation and seq); null for other
    /// payloads.
    /// </summary>
    public long? Seq { get; set; }

    /// <summary>
    /// When the topology produced this delivery (UTC), for delivery latency facts.
    /// </summary>
    public required DateTime CreatedAt { get; set; }

    /// <summary>
    /// What to deliver: a conversation event, a receipt update, a presence change, or the outcome of the
    /// recipient's own command.
    /// </summary>
    /// <remarks>One of <see cref="ChatEvent"/>, <see cref="ReceiptUpdate"/>, <see cref="PresenceChange"/>, <see cref="CommandOutcome"/> (Avro union; the C# type is object as Avro's code generator maps it).</remarks>
    public required object Payload { get; set; }

    /// <summary>
    /// True when this recipient also gets the receipt update its <see cref="ChatEvent"/> carries
    /// (<see cref="ChatEvent.IssuerReceipt"/>): they are that update's member or a sender whose messages it newly
    /// covers, and still a member. The edge sends the update's receipt frames with the event's frame.
    /// </summary>
    public bool WithIssuerReceipt { get; set; }

    /// <inheritdoc/>
    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => UserId,
        1 => DeviceId,
        2 => ConversationId,
        3 => Seq,
        4 => CreatedAt,
        5 => Payload,
        6 => WithIssuerReceipt,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in Delivery.Get"),
    };

    /// <inheritdoc/>
    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: UserId = (string)fieldValue!; break;
            case 1: DeviceId = (string?)fieldValue; break;
            case 2: ConversationId = (string?)fieldValue; break;
            case 3: Seq = (long?)fieldValue; break;
            case 4: CreatedAt = (DateTime)fieldValue!; break;
            case 5: Payload = fieldValue!; break;
            case 6: WithIssuerReceipt = (bool)fieldValue!; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in Delivery.Put");
        }
    }
}
