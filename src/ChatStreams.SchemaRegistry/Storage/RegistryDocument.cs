using ChatStreams.SchemaRegistry.Avro;
using ChatStreams.SchemaRegistry.Compatibility;

namespace ChatStreams.SchemaRegistry.Storage;

/// <summary>The JSON layout of <c>schema-registry.json</c>.</summary>
internal sealed class RegistryDocument
{
    public int Format { get; set; } = 1;

    public int NextId { get; set; } = 1;

    public string? Compatibility { get; set; }

    public List<SchemaEntry> Schemas { get; set; } = new();

    public List<SubjectEntry> Subjects { get; set; } = new();

    public sealed class SchemaEntry
    {
        public int Id { get; set; }

        public string Schema { get; set; } = "";
    }

    public sealed class SubjectEntry
    {
        public string Subject { get; set; } = "";

        public string? Compatibility { get; set; }

        public List<VersionEntry> Versions { get; set; } = new();
    }

    public sealed class VersionEntry
    {
        public int Version { get; set; }

        public int Id { get; set; }

        public bool Deleted { get; set; }
    }

    public static RegistryDocument From(RegistryState state) => new()
    {
        NextId = state.NextId,
        Compatibility = state.GlobalCompatibility?.ToWireName(),
        Schemas = state.SchemasById.OrderBy(p => p.Key).Select(p => new SchemaEntry { Id = p.Key, Schema = p.Value.Text }).ToList(),
        Subjects = state.Subjects.Values.Select(s => new SubjectEntry
        {
            Subject = s.Name,
            Compatibility = s.Compatibility?.ToWireName(),
            Versions = s.Versions.Select(v => new VersionEntry { Version = v.Version, Id = v.SchemaId, Deleted = v.Deleted }).ToList(),
        }).ToList(),
    };

    /// <summary>Rebuilds the state, re-parsing every schema; <paramref name="source"/> names the file in error messages.</summary>
    public RegistryState ToState(string source)
    {
        if (Format != 1)
        {
            throw new InvalidDataException($"{source}: format {Format} is not supported (expected 1).");
        }

        var state = new RegistryState { NextId = Math.Max(1, NextId), GlobalCompatibility = ParseLevel(Compatibility, source, "global") };
        foreach (var entry in Schemas)
        {
            try
            {
                state.AddSchema(entry.Id, ParsedSchema.Parse(entry.Schema));
            }
            catch (RegistryRejectedException e)
            {
                throw new InvalidDataException($"{source}: schema id {entry.Id} is not a valid Avro schema any more ({e.Message}).", e);
            }
        }

        foreach (var subject in Subjects)
        {
            var history = new SubjectHistory { Name = subject.Subject, Compatibility = ParseLevel(subject.Compatibility, source, $"subject '{subject.Subject}'") };
            foreach (var version in subject.Versions.OrderBy(v => v.Version))
            {
                if (!state.SchemasById.ContainsKey(version.Id))
                {
                    throw new InvalidDataException($"{source}: subject '{subject.Subject}' version {version.Version} points at schema id {version.Id}, which the file does not contain.");
                }

                history.Versions.Add(new SubjectVersion { Version = version.Version, SchemaId = version.Id, Deleted = version.Deleted });
            }

            state.Subjects[history.Name] = history;
        }

        return state;
    }

    private static CompatibilityLevel? ParseLevel(string? text, string source, string owner)
    {
        if (text is null)
        {
            return null;
        }

        return CompatibilityLevels.TryParse(text, out var level)
            ? level
            : throw new InvalidDataException($"{source}: the {owner} compatibility level '{text}' is not one of {CompatibilityLevels.ValidNames}.");
    }
}
