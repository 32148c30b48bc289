using ChatStreams.Contracts;
using chatstreams.v1;

namespace ChatStreams.Topologies.Conversation;

// Receipts take no seq: they raise the member's high-water marks in the ledger and publish a ReceiptUpdate when
// something moved; a repeated or older receipt changes nothing and emits nothing.
public sealed partial class Sequencer
{
    private void Acknowledge(ChatCommand command, ConversationHead? head, Receipt receipt)
    {
        if (RequireMember(command, head) is null) return;
        if (receipt.Seq < 0 || receipt.Seq > head!.LastSeq)
        {
            Reject(command, head, RejectionCodes.InvalidCommand, $"a receipt for seq {receipt.Seq}, but the conversation's last seq is {head!.LastSeq}");
            return;
        }
        if (_ledger.Advance(head, command.ConversationId, command.UserId, receipt.Status, receipt.Seq, command.IssuedAt) is not { } update) return;
        Forward(command, update);
        _conversations.Put(command.ConversationId, head);
    }
}
