namespace ChatStreams.SchemaRegistry.Compatibility;

/// <summary>
/// One reason a reader cannot read a writer's data. <see cref="Path"/> is the reader's view of where it happens:
/// the top-level record's name then field names, "[]" for array items and "{}" for map values
/// (e.g. "ChatEvent.attachments[].url"); empty for a non-record top-level type.
/// </summary>
public sealed record Incompatibility(IncompatibilityKind Kind, string Path, string Message)
{
    public override string ToString() => Message;
}
