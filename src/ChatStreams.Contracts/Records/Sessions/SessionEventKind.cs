namespace chatstreams.v1;

/// <summary>
/// What happened to a session.
/// </summary>
/// <remarks>Avro enum chatstreams.v1.SessionEventKind: member names are the Avro symbols, in schema order.</remarks>
public enum SessionEventKind
{
    Connect,
    Heartbeat,
    Disconnect,
}
