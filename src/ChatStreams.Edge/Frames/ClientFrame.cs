namespace ChatStreams.Edge.Frames;

/// <summary>A validated frame from a client (PROTOCOL.md, client → server). <see cref="Id"/> is the client's frame id, echoed in acks and errors.</summary>
public abstract record ClientFrame(string? Id);

/// <param name="Ciphertext">The end-to-end encrypted message (opaque bytes) instead of a body; null for a plain message.</param>
public sealed record SendFrame(string Id, string ConversationId, string Body, IReadOnlyList<string> Attachments, byte[]? Ciphertext = null) : ClientFrame(Id);

public sealed record ReceiptFrame(string? Id, string ConversationId, long Seq, bool Read) : ClientFrame(Id);

public sealed record TypingFrame(string ConversationId, bool Started) : ClientFrame((string?)null);

/// <summary>Last seq the device holds per conversation.</summary>
public sealed record ResumeFrame(IReadOnlyDictionary<string, long> Cursors) : ClientFrame((string?)null);

public sealed record EditFrame(string? Id, string ConversationId, long Seq, string Body) : ClientFrame(Id);

public sealed record DeleteFrame(string? Id, string ConversationId, long Seq) : ClientFrame(Id);

public sealed record ReactFrame(string? Id, string ConversationId, long Seq, string Emoji, bool Remove) : ClientFrame(Id);

public sealed record PingFrame() : ClientFrame((string?)null);
