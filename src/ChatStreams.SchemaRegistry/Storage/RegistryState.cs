using ChatStreams.SchemaRegistry.Avro;
using ChatStreams.SchemaRegistry.Compatibility;

namespace ChatStreams.SchemaRegistry.Storage;

/// <summary>One version of a subject: which global schema id it points at and whether it was soft-deleted.</summary>
internal sealed class SubjectVersion
{
    public required int Version { get; init; }

    public required int SchemaId { get; init; }

    public bool Deleted { get; set; }
}

/// <summary>A subject's versions in ascending order and its own compatibility level, if one was set.</summary>
internal sealed class SubjectHistory
{
    public required string Name { get; init; }

    public CompatibilityLevel? Compatibility { get; set; }

    public List<SubjectVersion> Versions { get; init; } = new();

    public IEnumerable<SubjectVersion> Visible(bool includeDeleted) => Versions.Where(v => includeDeleted || !v.Deleted);

    public bool HasVisible(bool includeDeleted) => Visible(includeDeleted).Any();
}

/// <summary>Everything the registry knows; guarded by <see cref="SchemaStore"/>'s lock.</summary>
internal sealed class RegistryState
{
    /// <summary>Global schema ids. An id outlives its subjects' versions so re-registering the same schema gets the same id back.</summary>
    public Dictionary<int, ParsedSchema> SchemasById { get; init; } = new();

    public Dictionary<string, int> IdsByIdentity { get; init; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, SubjectHistory> Subjects { get; init; } = new(StringComparer.Ordinal);

    public int NextId { get; set; } = 1;

    /// <summary>Set by PUT /config; null means the configured default applies.</summary>
    public CompatibilityLevel? GlobalCompatibility { get; set; }

    public void AddSchema(int id, ParsedSchema schema)
    {
        SchemasById[id] = schema;
        IdsByIdentity.TryAdd(schema.IdentityKey, id);
        NextId = Math.Max(NextId, id + 1);
    }

    /// <summary>A copy to restore if writing the data file fails, so memory never runs ahead of disk.</summary>
    public RegistryState Clone()
    {
        var copy = new RegistryState
        {
            SchemasById = new Dictionary<int, ParsedSchema>(SchemasById),
            IdsByIdentity = new Dictionary<string, int>(IdsByIdentity, StringComparer.Ordinal),
            NextId = NextId,
            GlobalCompatibility = GlobalCompatibility,
        };
        foreach (var (name, history) in Subjects)
        {
            copy.Subjects[name] = new SubjectHistory
            {
                Name = history.Name,
                Compatibility = history.Compatibility,
                Versions = history.Versions.Select(v => new SubjectVersion { Version = v.Version, SchemaId = v.SchemaId, Deleted = v.Deleted }).ToList(),
            };
        }

        return copy;
    }
}
