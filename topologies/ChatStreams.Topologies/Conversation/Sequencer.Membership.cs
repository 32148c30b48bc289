using ChatStreams.Contracts;
using chatstreams.v1;

namespace ChatStreams.Topologies.Conversation;

// Creating conversations and changing their members. A membership change is an event with its own seq, so fan-out
// and history apply it exactly between the messages before and after it.
public sealed partial class Sequencer
{
    private void Create(ChatCommand command, ConversationHead? head, CreateConversation create)
    {
        if (head is not null)
        {
            Reject(command, head, RejectionCodes.ConversationExists, $"conversation {command.ConversationId} already exists; create it under a new id");
            return;
        }
        if (create.Encrypted != EncryptedConversations.IsEncryptedId(command.ConversationId))
        {
            // Edges refuse plaintext to encrypted conversations by the id alone, so id and flag must never disagree.
            Reject(command, head, RejectionCodes.InvalidCommand, create.Encrypted
                ? $"an end-to-end encrypted conversation's id starts with '{EncryptedConversations.IdPrefix}'"
                : $"only end-to-end encrypted conversations have ids starting with '{EncryptedConversations.IdPrefix}'");
            return;
        }
        var members = new List<string>();
        foreach (var member in (create.Members ?? []).Append(command.UserId))
        {
            if (!IsValidId(member))
            {
                Reject(command, head, RejectionCodes.InvalidCommand, "a member id is empty, too long or contains U+0000");
                return;
            }
            if (!members.Contains(member, StringComparer.Ordinal)) members.Add(member);
        }

        var admins = new List<string>();
        string? title = null;
        if (create.Kind == ConversationKind.Direct)
        {
            if (members.Count != 2)
            {
                Reject(command, head, RejectionCodes.InvalidCommand, $"a direct conversation has exactly two members, you and one other user; this one would have {members.Count}");
                return;
            }
        }
        else
        {
            if (members.Count > options.MaxGroupMembers)
            {
                Reject(command, head, RejectionCodes.GroupFull, $"a group can have at most {options.MaxGroupMembers} members; this one would have {members.Count}");
                return;
            }
            if (create.Title is { } t && t.Length > options.MaxTitleLength)
            {
                Reject(command, head, RejectionCodes.InvalidCommand, $"the title has {t.Length} characters; the limit is {options.MaxTitleLength}");
                return;
            }
            title = string.IsNullOrWhiteSpace(create.Title) ? null : create.Title;
            var notMembers = (create.Admins ?? []).Where(a => !members.Contains(a, StringComparer.Ordinal)).ToList();
            if (notMembers.Count > 0)
            {
                Reject(command, head, RejectionCodes.InvalidCommand, $"admins must be members; {string.Join(", ", notMembers)} are not");
                return;
            }
            // The creator administers the group, plus whoever they named.
            admins.Add(command.UserId);
            admins.AddRange((create.Admins ?? []).Where(a => a != command.UserId).Distinct(StringComparer.Ordinal));
        }

        var created = new ConversationHead { Kind = create.Kind, Title = title, Encrypted = create.Encrypted };
        var chatEvent = Sequence(command, created, new ConversationCreated { Kind = create.Kind, Title = title, Members = members, Admins = admins, Encrypted = create.Encrypted });
        foreach (var member in members)
        {
            var role = admins.Contains(member, StringComparer.Ordinal) ? MemberRole.Admin : MemberRole.Member;
            _members.Put(StoreKeys.Of(command.ConversationId, member), new MemberEntry(role, chatEvent.Seq));
            _ledger.Join(created, command.ConversationId, member, chatEvent.Seq);
            created.MemberCount++;
        }
        Publish(command, created, chatEvent);
        _conversations.Put(command.ConversationId, created);
    }

    private void Add(ChatCommand command, ConversationHead? head, AddMember add)
    {
        if (RequireMember(command, head) is not { } issuer) return;
        if (!RequireGroupAdmin(command, head!, issuer, "add members")) return;
        if (!IsValidId(add.MemberId))
        {
            Reject(command, head, RejectionCodes.InvalidCommand, "the member id is empty, too long or contains U+0000");
            return;
        }
        var key = StoreKeys.Of(command.ConversationId, add.MemberId);
        if (_members.Get(key) is not null)
        {
            Reject(command, head, RejectionCodes.AlreadyMember, $"{add.MemberId} is already a member");
            return;
        }
        if (head!.MemberCount >= options.MaxGroupMembers)
        {
            Reject(command, head, RejectionCodes.GroupFull, $"the group has {head.MemberCount} members, the most allowed is {options.MaxGroupMembers}");
            return;
        }
        var chatEvent = Sequence(command, head, new MemberAdded { MemberId = add.MemberId, Role = add.Role });
        _members.Put(key, new MemberEntry(add.Role, chatEvent.Seq));
        _ledger.Join(head, command.ConversationId, add.MemberId, chatEvent.Seq);
        head.MemberCount++;
        Publish(command, head, chatEvent);
        _conversations.Put(command.ConversationId, head);
    }

    private void Remove(ChatCommand command, ConversationHead? head, RemoveMember remove)
    {
        if (RequireMember(command, head) is not { } issuer) return;
        var leaving = remove.MemberId == command.UserId;
        if (head!.Kind == ConversationKind.Direct)
        {
            Reject(command, head, RejectionCodes.InvalidCommand, "the members of a direct conversation cannot change; create a group instead");
            return;
        }
        if (!leaving && !RequireGroupAdmin(command, head, issuer, "remove other members")) return;
        var key = StoreKeys.Of(command.ConversationId, remove.MemberId ?? "");
        if (!IsValidId(remove.MemberId) || _members.Get(key) is null)
        {
            Reject(command, head, RejectionCodes.NotFound, $"{remove.MemberId} is not a member of this conversation");
            return;
        }
        var chatEvent = Sequence(command, head, new MemberRemoved { MemberId = remove.MemberId! });
        _members.Delete(key);
        _ledger.Leave(head, command.ConversationId, remove.MemberId!);
        head.MemberCount--;
        Publish(command, head, chatEvent);
        _conversations.Put(command.ConversationId, head);
    }

    private bool RequireGroupAdmin(ChatCommand command, ConversationHead head, MemberEntry issuer, string what)
    {
        if (head.Kind == ConversationKind.Direct)
        {
            Reject(command, head, RejectionCodes.InvalidCommand, "the members of a direct conversation cannot change; create a group instead");
            return false;
        }
        if (issuer.Role != MemberRole.Admin)
        {
            Reject(command, head, RejectionCodes.NotAdmin, $"only an admin of the group can {what}");
            return false;
        }
        return true;
    }
}
