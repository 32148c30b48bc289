using Avro;

namespace ChatStreams.SchemaRegistry.Compatibility;

/// <summary>
/// Avro schema compatibility by the specification's schema resolution rules, usable without the registry:
/// can a consumer using <c>reader</c> read every record a producer using <c>writer</c> can write?
/// </summary>
public static class AvroCompatibility
{
    public static CompatibilityResult Check(Schema reader, Schema writer) => Check(reader, writer, CompatibilityLabels.Default);

    public static CompatibilityResult Check(Schema reader, Schema writer, CompatibilityLabels labels)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(labels);

        var walker = new ResolutionWalker(new ReaderAliases(reader), labels);
        walker.Check(reader, writer, path: "");
        return new CompatibilityResult(walker.Found.ToList());
    }

    /// <summary>Parses both schemas with Apache.Avro first; convenient for tests and tools.</summary>
    public static CompatibilityResult Check(string reader, string writer) =>
        Check(Schema.Parse(reader), Schema.Parse(writer));
}
