using System.Reflection;
using System.Text.Json;
using Avro;

namespace ChatStreams.Contracts;

/// <summary>
/// The Avro schemas of schemas/*.avsc, embedded in this assembly. Every record type takes its static schema from
/// here, so a record's C# type and its registered schema come from the same file.
/// </summary>
public static class ContractSchemas
{
    /// <summary>Avro namespace of every contract type (and, as Avro's runtime requires, their C# namespace).</summary>
    public const string Namespace = "chatstreams.v1";

    /// <summary>Top-level .avsc attribute listing the registry subjects of the file (RecordNameStrategy).</summary>
    public const string SubjectsAttribute = "chatstreams.subjects";

    private const string ResourcePrefix = "ChatStreams.Contracts.Schemas.";

    private static readonly Lazy<IReadOnlyList<ContractSchemaFile>> files = new(LoadFiles);
    private static readonly Lazy<IReadOnlyDictionary<string, NamedSchema>> namedTypes = new(IndexNamedTypes);

    /// <summary>Every embedded schema file, ordered by file name.</summary>
    public static IReadOnlyList<ContractSchemaFile> Files => files.Value;

    /// <summary>
    /// The definition of a named type (record or enum) by full name. A type defined in several files (nested types
    /// are inlined so each file registers on its own) resolves to the file where it is the top-level record, else to
    /// the first file that defines it; the tests check all definitions are identical.
    /// </summary>
    public static NamedSchema Named(string fullName) =>
        namedTypes.Value.TryGetValue(fullName, out var schema)
            ? schema
            : throw new InvalidOperationException(
                $"No embedded schema defines '{fullName}'. Add it to a file in schemas/ (namespace {Namespace}) and rebuild.");

    /// <summary>Every named type (records, enums, fixed) reachable from a schema, each once, in definition order.</summary>
    public static IReadOnlyList<NamedSchema> NamedTypesIn(Schema schema)
    {
        var found = new List<NamedSchema>();
        Collect(schema, found, new HashSet<string>(StringComparer.Ordinal));
        return found;
    }

    private static void Collect(Schema schema, List<NamedSchema> found, HashSet<string> seen)
    {
        switch (schema)
        {
            case RecordSchema record:
                if (!seen.Add(record.Fullname)) return;
                found.Add(record);
                foreach (var field in record.Fields) Collect(field.Schema, found, seen);
                break;
            case NamedSchema named:
                if (seen.Add(named.Fullname)) found.Add(named);
                break;
            case UnionSchema union:
                foreach (var branch in union.Schemas) Collect(branch, found, seen);
                break;
            case ArraySchema array:
                Collect(array.ItemSchema, found, seen);
                break;
            case MapSchema map:
                Collect(map.ValueSchema, found, seen);
                break;
            case LogicalSchema logical:
                Collect(logical.BaseSchema, found, seen);
                break;
        }
    }

    private static IReadOnlyList<ContractSchemaFile> LoadFiles()
    {
        var assembly = typeof(ContractSchemas).Assembly;
        var loaded = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => LoadFile(assembly, name))
            .ToList();
        if (loaded.Count == 0)
            throw new InvalidOperationException("No .avsc resources are embedded in ChatStreams.Contracts; the build must include ../../schemas/*.avsc.");
        return loaded;
    }

    private static ContractSchemaFile LoadFile(Assembly assembly, string resourceName)
    {
        var fileName = resourceName[ResourcePrefix.Length..];
        using var stream = assembly.GetManifestResourceStream(resourceName)!;
        using var reader = new StreamReader(stream);
        var json = reader.ReadToEnd();
        Schema parsed;
        try
        {
            parsed = Schema.Parse(json);
        }
        catch (SchemaParseException e)
        {
            throw new InvalidOperationException($"schemas/{fileName} is not a valid Avro schema: {e.Message}", e);
        }
        if (parsed is not RecordSchema record)
            throw new InvalidOperationException($"schemas/{fileName} must hold one top-level record, not a {parsed.Tag}.");
        return new ContractSchemaFile(fileName, json, record, ReadSubjects(fileName, json));
    }

    private static IReadOnlyList<string> ReadSubjects(string fileName, string json)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty(SubjectsAttribute, out var subjects) || subjects.ValueKind != JsonValueKind.Array)
            return [];
        return subjects.EnumerateArray()
            .Select(subject => subject.GetString()
                ?? throw new InvalidOperationException($"schemas/{fileName}: \"{SubjectsAttribute}\" must list strings."))
            .ToList();
    }

    private static IReadOnlyDictionary<string, NamedSchema> IndexNamedTypes()
    {
        var index = new Dictionary<string, NamedSchema>(StringComparer.Ordinal);
        // Top-level records first, so a type resolves to its own file even if another file inlines it earlier.
        foreach (var file in Files) index.TryAdd(file.Schema.Fullname, file.Schema);
        foreach (var file in Files)
            foreach (var named in NamedTypesIn(file.Schema))
                index.TryAdd(named.Fullname, named);
        return index;
    }
}
