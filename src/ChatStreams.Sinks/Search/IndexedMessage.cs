namespace ChatStreams.Sinks.Search;

/// <summary>A message's position in its conversation; its document id in every index is "conversationId/seq".</summary>
public readonly record struct MessageKey(string ConversationId, long Seq)
{
    /// <summary>Unambiguous even when a conversation id holds '/': the seq is always the part after the last one.</summary>
    public string DocumentId => $"{ConversationId}/{Seq}";
}

/// <summary>One message document as an index holds it: what was sent, with the text of its latest edit.</summary>
public sealed record IndexedMessage(
    MessageKey Key,
    string MessageId,
    string SenderId,
    DateTime SentAt,
    string Text,
    IReadOnlyList<string> FileNames,
    bool Edited);
