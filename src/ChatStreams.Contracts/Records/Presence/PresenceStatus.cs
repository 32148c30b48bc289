namespace chatstreams.v1;

/// <summary>
/// Whether a user is reachable.
/// </summary>
/// <remarks>Avro enum chatstreams.v1.PresenceStatus: member names are the Avro symbols, in schema order.</remarks>
public enum PresenceStatus
{
    Online,
    Offline,
}
