namespace chatstreams.v1;

/// <summary>
/// Kind of conversation.
/// </summary>
/// <remarks>Avro enum chatstreams.v1.ConversationKind: member names are the Avro symbols, in schema order.</remarks>
public enum ConversationKind
{
    Direct,
    Group,
}
