using chatstreams.v1;

namespace ChatStreams.Sinks.History;

/// <summary>
/// A sequenced event as a reader may see it, and for messages their current state. A deleted message's event and
/// the events editing it come with empty bodies and no attachments: the text is gone from the store.
/// </summary>
public sealed record HistoryItem(ChatEvent Event, MessageView? Message);

/// <summary>A message as it reads now: latest edit, tombstone, reactions (emoji to the users who reacted, both in ordinal order).</summary>
public sealed record MessageView(string Body, bool Edited, bool Deleted, IReadOnlyDictionary<string, IReadOnlyList<string>> Reactions);

/// <summary>A current member; role "admin" or "member".</summary>
public sealed record ConversationMember(string UserId, string Role);

/// <summary>
/// One entry of a user's conversation list: the conversation, the user's read state (from chat.receipts) and what is
/// unread for them (messages of others after their read mark, not deleted, that they may read), and the last message they may read.
/// </summary>
public sealed record ConversationSummary(
    string ConversationId, string Kind, string? Title, IReadOnlyList<ConversationMember> Members, bool IsMember,
    long LastSeq, long DeliveredSeq, long ReadSeq, long Unread, DateTime CreatedAt, DateTime LastActivity, HistoryItem? LastMessage);

/// <summary>Seqs FromSeq..ToSeq (both included) of a conversation a user may read; ToSeq is long.MaxValue while they are a member.</summary>
public sealed record ReadableRange(string ConversationId, long FromSeq, long ToSeq);
