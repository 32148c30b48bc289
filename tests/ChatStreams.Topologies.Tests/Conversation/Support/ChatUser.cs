using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.Conversation.Support;

/// <summary>
/// A user as the edge sees them: builds the <see cref="ChatCommand"/>s an edge would produce for this user's frames
/// and REST calls (user, device and edge filled in, a fresh command id each time, a fixed issue time).
/// </summary>
internal sealed record ChatUser(string Id, string DeviceId, string EdgeId)
{
    /// <summary>When the edge accepted the commands, unless a test says otherwise (whole milliseconds: Avro keeps ms).</summary>
    public static readonly DateTime IssuedAt = new(2029, 12, 31, 23, 59, 30, DateTimeKind.Utc);

    public ChatUser(string id) : this(id, id + "-phone", "edge-0")
    {
    }

    public ChatCommand Command(string conversationId, object payload, string? clientMessageId = null, string? commandId = null, DateTime? issuedAt = null) => new()
    {
        CommandId = commandId ?? Guid.NewGuid().ToString(),
        ConversationId = conversationId,
        UserId = Id,
        DeviceId = DeviceId,
        EdgeId = EdgeId,
        ClientMessageId = clientMessageId,
        IssuedAt = issuedAt ?? IssuedAt,
        Payload = payload,
    };

    public ChatCommand Create(string conversationId, ConversationKind kind, IEnumerable<string> members, IEnumerable<string>? admins = null, string? title = null) =>
        Command(conversationId, new CreateConversation { Kind = kind, Title = title, Members = members.ToList(), Admins = (admins ?? []).ToList() });

    public ChatCommand CreateGroup(string conversationId, IEnumerable<string> members, IEnumerable<string>? admins = null, string? title = null) =>
        Create(conversationId, ConversationKind.Group, members, admins, title);

    public ChatCommand CreateDirect(string conversationId, string peer) => Create(conversationId, ConversationKind.Direct, [peer]);

    public ChatCommand Add(string conversationId, string memberId, MemberRole role = MemberRole.Member) =>
        Command(conversationId, new AddMember { MemberId = memberId, Role = role });

    public ChatCommand Remove(string conversationId, string memberId) => Command(conversationId, new RemoveMember { MemberId = memberId });

    public ChatCommand Leave(string conversationId) => Remove(conversationId, Id);

    public ChatCommand Send(string conversationId, string body, string? clientMessageId = null, IEnumerable<Attachment>? attachments = null,
        string? commandId = null, DateTime? issuedAt = null) =>
        Command(conversationId, new SendMessage { Body = body, Attachments = (attachments ?? []).ToList() }, clientMessageId, commandId, issuedAt);

    public ChatCommand Edit(string conversationId, long targetSeq, string body) => Command(conversationId, new EditMessage { TargetSeq = targetSeq, Body = body });

    public ChatCommand Delete(string conversationId, long targetSeq) => Command(conversationId, new DeleteMessage { TargetSeq = targetSeq });

    public ChatCommand React(string conversationId, long targetSeq, string emoji, ReactionAction action = ReactionAction.Add) =>
        Command(conversationId, new React { TargetSeq = targetSeq, Emoji = emoji, Action = action });

    public ChatCommand Delivered(string conversationId, long seq) => Command(conversationId, new Receipt { Status = ReceiptStatus.Delivered, Seq = seq });

    public ChatCommand Read(string conversationId, long seq) => Command(conversationId, new Receipt { Status = ReceiptStatus.Read, Seq = seq });
}
