namespace ChatStreams.Edge.Typing;

/// <summary>A user started or stopped typing in a conversation. Ephemeral: never stored, never in Kafka.</summary>
public sealed record TypingSignal(string ConversationId, string UserId, string ConnectionId, bool Started);
