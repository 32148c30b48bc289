namespace ChatStreams.Contracts;

/// <summary>
/// Codes of <see cref="chatstreams.v1.CommandRejected"/>; the edge sends them unchanged as the "code" of the
/// client's error frame, so they are snake_case like the protocol's other codes.
/// </summary>
public static class RejectionCodes
{
    /// <summary>The issuer is not a member of the conversation (or it does not exist for them).</summary>
    public const string NotMember = "not_member";

    /// <summary>Only an admin of the group may do this.</summary>
    public const string NotAdmin = "not_admin";

    /// <summary>Only the message's sender may do this.</summary>
    public const string NotAuthor = "not_author";

    /// <summary>The target (message seq, member) does not exist or was deleted.</summary>
    public const string NotFound = "not_found";

    /// <summary>The command breaks a rule of its kind (e.g. a direct conversation without exactly two members).</summary>
    public const string InvalidCommand = "invalid_command";

    /// <summary>CreateConversation named a conversation id that is already taken.</summary>
    public const string ConversationExists = "conversation_exists";

    /// <summary>AddMember named a user who is already a member.</summary>
    public const string AlreadyMember = "already_member";

    /// <summary>The group already has the most members allowed (Topologies:Conversation:MaxGroupMembers, default 1,000).</summary>
    public const string GroupFull = "group_full";

    /// <summary>
    /// The conversation is end-to-end encrypted and the command carried plaintext (a body, attachments or an edit)
    /// instead of ciphertext; nothing was stored.
    /// </summary>
    public const string EncryptionRequired = "encryption_required";
}
