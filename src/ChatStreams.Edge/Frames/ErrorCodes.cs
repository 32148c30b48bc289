namespace ChatStreams.Edge.Frames;

/// <summary>
/// The <c>code</c> of error frames the edge itself sends. The sequencer's refusals (not_member, not_admin, ...;
/// <see cref="ChatStreams.Contracts.RejectionCodes"/>) reach the client with their own codes.
/// </summary>
public static class ErrorCodes
{
    /// <summary>Invalid JSON, an unknown frame type, a missing or invalid field, or a binary frame.</summary>
    public const string BadFrame = "bad_frame";
    /// <summary>The frame is larger than the edge's limit.</summary>
    public const string TooLarge = "too_large";
    /// <summary>The connection or the user sent frames faster than allowed; the frame was not processed.</summary>
    public const string RateLimited = "rate_limited";
    /// <summary>The caller is not a member of the conversation (typing, resume); the sequencer sends it for commands.</summary>
    public const string NotMember = "not_member";
    /// <summary>The token is missing, invalid or expired.</summary>
    public const string Unauthorized = "unauthorized";
    /// <summary>
    /// A <c>send</c> names media that is unknown, not the sender's, uploaded for another conversation, or not (correctly)
    /// uploaded yet; nothing was sent.
    /// </summary>
    public const string InvalidAttachment = "invalid_attachment";
    /// <summary>Kafka did not take the command in time; nothing was sent, resend with the same id.</summary>
    public const string Unavailable = "unavailable";
}
