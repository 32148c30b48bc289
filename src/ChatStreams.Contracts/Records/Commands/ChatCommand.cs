using Avro;
using Avro.Specific;
using ChatStreams.Contracts;

namespace chatstreams.v1;

/// <summary>
/// A request from a client, accepted by an edge and not yet validated. Topic chat.commands, key: conversation id.
/// The conversation topology deduplicates, checks membership and turns it into a ChatEvent (or a CommandRejected
/// event).
/// </summary>
/// <remarks>Avro record chatstreams.v1.ChatCommand; the schema comes from the embedded .avsc (see <see cref="ChatStreams.Contracts.ContractSchemas"/>).</remarks>
public sealed class ChatCommand : ISpecificRecord
{
    /// <summary>The Avro schema of this record; Confluent's serdes and Avro's readers look it up under this name.</summary>
    public static readonly Schema _SCHEMA = ContractSchemas.Named("chatstreams.v1.ChatCommand");

    /// <inheritdoc/>
    public Schema Schema => _SCHEMA;

    /// <summary>
    /// Unique id of this command (UUID) minted by the edge; every event the command causes carries it.
    /// </summary>
    public required string CommandId { get; set; }

    /// <summary>
    /// Conversation the command targets; also the Kafka key. For CreateConversation the edge mints the new id.
    /// </summary>
    public required string ConversationId { get; set; }

    /// <summary>
    /// Authenticated user who issued the command (from the JWT, never from the frame body).
    /// </summary>
    public required string UserId { get; set; }

    /// <summary>
    /// Device of the issuing user; rejections and acks are routed back to it.
    /// </summary>
    public required string DeviceId { get; set; }

    /// <summary>
    /// Edge that accepted the command from the client connection or REST call.
    /// </summary>
    public required string EdgeId { get; set; }

    /// <summary>
    /// Client-chosen id of the frame (the 'id' of a send frame). Dedup key of SendMessage within the
    /// conversation; echoed in acks and errors. Null when the client gave none.
    /// </summary>
    public string? ClientMessageId { get; set; }

    /// <summary>
    /// When the edge accepted the command (UTC); start of the end-to-end latency measurement.
    /// </summary>
    public required DateTime IssuedAt { get; set; }

    /// <summary>
    /// Distributed-trace context of the request, propagated into the events it causes. Null when tracing is off.
    /// </summary>
    public TraceContext? Trace { get; set; }

    /// <summary>
    /// What the user asks for; exactly one of the command types.
    /// </summary>
    /// <remarks>One of <see cref="CreateConversation"/>, <see cref="AddMember"/>, <see cref="RemoveMember"/>, <see cref="SendMessage"/>, <see cref="EditMessage"/>, <see cref="DeleteMessage"/>, <see cref="React"/>, <see cref="Receipt"/> (Avro union; the C# type is object as Avro's code generator maps it).</remarks>
    public required object Payload { get; set; }

    /// <inheritdoc/>
    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => CommandId,
        1 => ConversationId,
        2 => UserId,
        3 => DeviceId,
        4 => EdgeId,
        5 => ClientMessageId,
        6 => IssuedAt,
        7 => Trace,
        8 => Payload,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in ChatCommand.Get"),
    };

    /// <inheritdoc/>
    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: CommandId = (string)fieldValue!; break;
            case 1: ConversationId = (string)fieldValue!; break;
            case 2: UserId = (string)fieldValue!; break;
            case 3: DeviceId = (string)fieldValue!; break;
            case 4: EdgeId = (string)fieldValue!; break;
            case 5: ClientMessageId = (string?)fieldValue; break;
            case 6: IssuedAt = (DateTime)fieldValue!; break;
            case 7: Trace = (TraceContext?)fieldValue; break;
            case 8: Payload = fieldValue!; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in ChatCommand.Put");
        }
    }
}
