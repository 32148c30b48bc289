namespace chatstreams.v1;

/// <summary>
/// Role of a member in a conversation.
/// </summary>
/// <remarks>Avro enum chatstreams.v1.MemberRole: member names are the Avro symbols, in schema order.</remarks>
public enum MemberRole
{
    Member,
    Admin,
}
