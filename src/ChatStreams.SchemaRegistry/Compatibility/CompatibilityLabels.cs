namespace ChatStreams.SchemaRegistry.Compatibility;

/// <summary>
/// How messages name the two schemas, e.g. reader "the new schema" and writer "writer schema version 1",
/// so a message reads "reader field 'ChatEvent.editedAt' has no default and is missing from writer schema version 1".
/// </summary>
public sealed record CompatibilityLabels(string Reader, string Writer)
{
    public static CompatibilityLabels Default { get; } = new("the reader schema", "the writer schema");
}
