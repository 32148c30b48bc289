using ChatStreams.Contracts;
using chatstreams.v1;

namespace ChatStreams.Topologies.Conversation;

// Messages and what can be done to them afterwards. Sends are deduplicated by (conversation, sender, client
// message id) inside the dedup window: a resend gets the original seq back and never a second message.
public sealed partial class Sequencer
{
    private void Send(ChatCommand command, ConversationHead? head, SendMessage send)
    {
        if (head is null)
        {
            RequireMember(command, head);
            return;
        }
        // A resend of an accepted message is re-acknowledged even if the sender has left since: it was accepted.
        if (command.ClientMessageId is { Length: > 0 } clientId && !IsValidId(clientId))
        {
            // Without a usable dedup key a resend would become a second message: refuse instead.
            Reject(command, head, RejectionCodes.InvalidCommand, "the client message id is blank, longer than 200 characters or contains U+0000; use a UUID");
            return;
        }
        var dedupKey = command.ClientMessageId is { Length: > 0 } id ? StoreKeys.Of(command.ConversationId, command.UserId, id) : null;
        if (dedupKey is not null && _dedup.TryGet(dedupKey, _record.Timestamp, out var original))
        {
            Forward(command, Event(command, head.LastSeq, new CommandDeduplicated
            {
                OriginalSeq = original.Seq,
                OriginalEventId = original.EventId,
                OriginalCommandId = original.CommandId,
            }));
            return;
        }
        if (RequireMember(command, head) is null) return;
        if (head.Encrypted ? !ValidCiphertext(command, head, send) : !ValidPlaintext(command, head, send)) return;

        var eventId = EventIds.For(command.CommandId, MessageSent._SCHEMA.Name);
        var chatEvent = Sequence(command, head, new MessageSent
        {
            MessageId = eventId, Body = send.Body ?? "", Attachments = send.Attachments ?? [], Ciphertext = send.Ciphertext,
        });
        if (dedupKey is not null) _dedup.Put(dedupKey, new DedupEntry(chatEvent.Seq, eventId, command.CommandId), _record.Timestamp);
        _messages.Put(StoreKeys.Seq(command.ConversationId, chatEvent.Seq), new MessageAuthor(command.UserId));

        Publish(command, head, chatEvent);
        _conversations.Put(command.ConversationId, head);
    }

    private void Edit(ChatCommand command, ConversationHead? head, EditMessage edit)
    {
        if (RequireMember(command, head) is null) return;
        if (Target(command, head!, edit.TargetSeq) is not { } target) return;
        if (target.SenderId != command.UserId)
        {
            Reject(command, head, RejectionCodes.NotAuthor, "only the sender of a message can edit it");
            return;
        }
        if (head!.Encrypted)
        {
            // An edit carries a plaintext body; encrypted conversations have no encrypted edits (docs/security.md).
            Reject(command, head, RejectionCodes.EncryptionRequired, "this conversation is end-to-end encrypted and its messages cannot be edited; delete the message and send a new one");
            return;
        }
        if (!ValidBody(command, head!, edit.Body, allowEmpty: false)) return;
        Publish(command, head!, Sequence(command, head!, new MessageEdited { TargetSeq = edit.TargetSeq, Body = edit.Body }));
        _conversations.Put(command.ConversationId, head!);
    }

    private void Delete(ChatCommand command, ConversationHead? head, DeleteMessage delete)
    {
        if (RequireMember(command, head) is not { } issuer) return;
        if (Target(command, head!, delete.TargetSeq) is not { } target) return;
        var groupAdmin = head!.Kind == ConversationKind.Group && issuer.Role == MemberRole.Admin;
        if (target.SenderId != command.UserId && !groupAdmin)
        {
            Reject(command, head, RejectionCodes.NotAuthor, "only the sender of a message or an admin of the group can delete it");
            return;
        }
        // Marked before Sequence, which drops the entry if the target is the one leaving the editable window.
        _messages.Put(StoreKeys.Seq(command.ConversationId, delete.TargetSeq), target with { Deleted = true });
        Publish(command, head, Sequence(command, head, new MessageDeleted { TargetSeq = delete.TargetSeq }));
        _conversations.Put(command.ConversationId, head);
    }

    private void ReactTo(ChatCommand command, ConversationHead? head, React react)
    {
        if (RequireMember(command, head) is null) return;
        if (Target(command, head!, react.TargetSeq) is null) return;
        if (!Emoji.IsSingle(react.Emoji))
        {
            Reject(command, head, RejectionCodes.InvalidCommand, "a reaction is exactly one emoji");
            return;
        }
        Publish(command, head!, Sequence(command, head!, new ReactionChanged { TargetSeq = react.TargetSeq, Emoji = react.Emoji, Action = react.Action }));
        _conversations.Put(command.ConversationId, head!);
    }

    /// <summary>The recent, not deleted message at a seq, or null after emitting not_found.</summary>
    private MessageAuthor? Target(ChatCommand command, ConversationHead head, long targetSeq)
    {
        var editable = targetSeq > head.LastSeq - options.EditableMessages && targetSeq >= 1 && targetSeq <= head.LastSeq;
        var target = editable ? _messages.Get(StoreKeys.Seq(command.ConversationId, targetSeq)) : null;
        if (target is null)
            Reject(command, head, RejectionCodes.NotFound,
                $"there is no message with seq {targetSeq} among the last {options.EditableMessages} messages of this conversation");
        else if (target.Deleted)
        {
            Reject(command, head, RejectionCodes.NotFound, $"message {targetSeq} was deleted");
            return null;
        }
        return target;
    }

    private bool ValidPlaintext(ChatCommand command, ConversationHead head, SendMessage send)
    {
        if (send.Ciphertext is not null)
        {
            Reject(command, head, RejectionCodes.InvalidCommand, "this conversation is not end-to-end encrypted; send a body, not ciphertext");
            return false;
        }
        return ValidBody(command, head, send.Body, allowEmpty: (send.Attachments?.Count ?? 0) > 0);
    }

    /// <summary>
    /// An encrypted conversation takes only ciphertext: a body or attachment metadata would be plaintext the server
    /// stores. The ciphertext itself is opaque here; only its size is checked.
    /// </summary>
    private bool ValidCiphertext(ChatCommand command, ConversationHead head, SendMessage send)
    {
        if (!string.IsNullOrEmpty(send.Body) || (send.Attachments?.Count ?? 0) > 0 || send.Ciphertext is not { Length: > 0 })
        {
            Reject(command, head, RejectionCodes.EncryptionRequired,
                "this conversation is end-to-end encrypted: send the message as \"ciphertext\", without a body or attachments");
            return false;
        }
        if (send.Ciphertext.Length > options.MaxCiphertextBytes)
        {
            Reject(command, head, RejectionCodes.InvalidCommand, $"the ciphertext has {send.Ciphertext.Length} bytes; the limit is {options.MaxCiphertextBytes}");
            return false;
        }
        return true;
    }

    private bool ValidBody(ChatCommand command, ConversationHead head, string? body, bool allowEmpty)
    {
        if (string.IsNullOrWhiteSpace(body) && !allowEmpty)
        {
            Reject(command, head, RejectionCodes.InvalidCommand, "the message is empty; send text or an attachment (to remove a message, delete it)");
            return false;
        }
        if (body is not null && body.Length > options.MaxBodyLength)
        {
            Reject(command, head, RejectionCodes.InvalidCommand, $"the message has {body.Length} characters; the limit is {options.MaxBodyLength}");
            return false;
        }
        return true;
    }
}
