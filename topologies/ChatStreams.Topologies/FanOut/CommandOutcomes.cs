using chatstreams.v1;

namespace ChatStreams.Topologies.FanOut;

/// <summary>
/// Turns the sequencer's CommandRejected / CommandDeduplicated events into the <see cref="CommandOutcome"/> the issuing
/// device receives (an error frame, or the re-ack of the original send). These events take no position in the
/// conversation and concern one device only, so they bypass membership and go straight to the edge that accepted the
/// command (<see cref="ChatEvent.EdgeId"/>): the reply reaches the device even before its session is known, and even
/// when the issuer is not a member (a rejected not_member command).
/// </summary>
internal static class CommandOutcomes
{
    public static bool IsOutcome(ChatEvent chatEvent) => chatEvent.Payload is CommandRejected or CommandDeduplicated;

    /// <summary>The delivery for the issuing device; null when the event is not an outcome.</summary>
    /// <remarks>
    /// Delivery.Seq stays null: the contract reserves it for carried ChatEvents, which clients apply idempotently by
    /// (conversation, seq); a rejection carrying the conversation's last seq there would look like a repeat of that
    /// message. The outcome's own Seq holds the seq the client needs.
    /// </remarks>
    public static Delivery? ToDelivery(ChatEvent chatEvent, DateTime createdAt)
    {
        var outcome = chatEvent.Payload switch
        {
            CommandRejected rejected => new CommandOutcome
            {
                CommandId = chatEvent.CommandId,
                ClientMessageId = chatEvent.ClientMessageId,
                Status = CommandStatus.Rejected,
                Seq = chatEvent.Seq,
                Code = rejected.Code,
                Reason = rejected.Reason,
            },
            CommandDeduplicated duplicate => new CommandOutcome
            {
                CommandId = chatEvent.CommandId,
                ClientMessageId = chatEvent.ClientMessageId,
                Status = CommandStatus.Duplicate,
                Seq = duplicate.OriginalSeq,
            },
            _ => null,
        };
        if (outcome is null) return null;
        return new Delivery
        {
            UserId = chatEvent.UserId,
            DeviceId = chatEvent.DeviceId,
            ConversationId = chatEvent.ConversationId,
            Seq = null,
            CreatedAt = createdAt,
            Payload = outcome,
        };
    }
}
