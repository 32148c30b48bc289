namespace chatstreams.v1;

/// <summary>
/// Outcome of a command.
/// </summary>
/// <remarks>Avro enum chatstreams.v1.CommandStatus: member names are the Avro symbols, in schema order.</remarks>
public enum CommandStatus
{
    Accepted,
    Duplicate,
    Rejected,
}
