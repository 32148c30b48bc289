namespace ChatStreams.Contracts;

/// <summary>
/// End-to-end encrypted conversations have ids of their own shape, minted by the edge: the flag is fixed at creation
/// and the sequencer refuses a creation whose id and flag disagree. So an edge can refuse a plaintext body to an
/// encrypted conversation from the id alone, before it ever reaches Kafka, and a client can tell from the id.
/// </summary>
public static class EncryptedConversations
{
    public const string IdPrefix = "e2e-";

    public static bool IsEncryptedId(string? conversationId) =>
        conversationId is not null && conversationId.StartsWith(IdPrefix, StringComparison.Ordinal);
}
