namespace chatstreams.v1;

/// <summary>
/// Change applied to a reaction.
/// </summary>
/// <remarks>Avro enum chatstreams.v1.ReactionAction: member names are the Avro symbols, in schema order.</remarks>
public enum ReactionAction
{
    Add,
    Remove,
}
