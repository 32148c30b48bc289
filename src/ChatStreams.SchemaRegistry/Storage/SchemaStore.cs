using ChatStreams.SchemaRegistry.Avro;
using ChatStreams.SchemaRegistry.Compatibility;
using Microsoft.Extensions.Logging;

namespace ChatStreams.SchemaRegistry.Storage;

/// <summary>
/// The registry's rules over its state: global ids shared across subjects, per-subject versions,
/// soft and hard deletes, compatibility levels and their enforcement. Thread-safe; every change is
/// written to the data file (when there is one) before it becomes visible.
/// </summary>
internal sealed partial class SchemaStore
{
    private readonly Lock gate = new();
    private readonly CompatibilityLevel defaultLevel;
    private readonly RegistryFile? file;
    private readonly ILogger logger;
    private RegistryState state;

    public SchemaStore(CompatibilityLevel defaultLevel, RegistryFile? file, ILogger logger)
    {
        this.defaultLevel = defaultLevel;
        this.file = file;
        this.logger = logger;
        state = file?.Load() ?? new RegistryState();
    }

    public int SchemaCount
    {
        get
        {
            lock (gate)
            {
                return state.SchemasById.Count;
            }
        }
    }

    /// <summary>Registers a schema under a subject; returns its global id (the existing one when the subject already has this schema).</summary>
    public SubjectVersionView Register(string subject, ParsedSchema candidate)
    {
        lock (gate)
        {
            var history = state.Subjects.GetValueOrDefault(subject);
            var live = history?.Visible(includeDeleted: false).ToList() ?? [];
            var same = live.LastOrDefault(v => state.SchemasById[v.SchemaId].IdentityKey == candidate.IdentityKey);
            if (same is not null)
            {
                return View(subject, same);
            }

            var level = EffectiveLevel(history);
            var conflicts = CompatibilityPolicy.FindConflicts(level, candidate.Schema, Earlier(live));
            if (conflicts.Count > 0)
            {
                throw RegistryRejectedException.Incompatible(
                    $"Schema being registered is incompatible with an earlier schema for subject \"{subject}\" " +
                    $"(compatibility level {level.ToWireName()}): {string.Join("; ", conflicts)}");
            }

            var version = Mutate(s =>
            {
                if (!s.IdsByIdentity.TryGetValue(candidate.IdentityKey, out var id))
                {
                    id = s.NextId;
                    s.AddSchema(id, candidate);
                }

                var target = s.Subjects.TryGetValue(subject, out var existing) ? existing : s.Subjects[subject] = new SubjectHistory { Name = subject };
                var entry = new SubjectVersion { Version = target.Versions.Count == 0 ? 1 : target.Versions[^1].Version + 1, SchemaId = id };
                target.Versions.Add(entry);
                return entry;
            });

            logger.LogInformation("Registered schema id {SchemaId} as version {Version} of subject {Subject}", version.SchemaId, version.Version, subject);
            return View(subject, version);
        }
    }

    public SubjectVersionView Lookup(string subject, ParsedSchema candidate, bool includeDeleted)
    {
        lock (gate)
        {
            var history = VisibleSubject(subject, includeDeleted);
            var match = history.Visible(includeDeleted).LastOrDefault(v => state.SchemasById[v.SchemaId].IdentityKey == candidate.IdentityKey)
                ?? throw RegistryRejectedException.SchemaNotFound($"subject '{subject}' has no version with this schema");
            return View(subject, match);
        }
    }

    public string GetSchemaText(int id)
    {
        lock (gate)
        {
            return ReferencedSchema(id).Text;
        }
    }

    public IReadOnlyList<(string Subject, int Version)> GetVersionsOfSchema(int id, bool includeDeleted)
    {
        lock (gate)
        {
            ReferencedSchema(id);
            return state.Subjects.Values
                .SelectMany(h => h.Visible(includeDeleted).Where(v => v.SchemaId == id).Select(v => (h.Name, v.Version)))
                .ToList();
        }
    }

    public IReadOnlyList<string> ListSubjects(bool includeDeleted, string? prefix)
    {
        lock (gate)
        {
            return state.Subjects.Values
                .Where(h => h.HasVisible(includeDeleted) && (prefix is null || h.Name.StartsWith(prefix, StringComparison.Ordinal)))
                .Select(h => h.Name)
                .ToList();
        }
    }

    public IReadOnlyList<int> ListVersions(string subject, bool includeDeleted)
    {
        lock (gate)
        {
            return VisibleSubject(subject, includeDeleted).Visible(includeDeleted).Select(v => v.Version).ToList();
        }
    }

    public SubjectVersionView GetVersion(string subject, VersionSelector selector, bool includeDeleted)
    {
        lock (gate)
        {
            var history = VisibleSubject(subject, includeDeleted);
            return View(subject, FindVersion(history, selector, includeDeleted));
        }
    }

    /// <summary>
    /// Checks a schema against one version (or, without a version, against the versions the subject's level
    /// names) without registering it. Returns the reasons it is incompatible; empty when compatible.
    /// </summary>
    public IReadOnlyList<string> TestCompatibility(string subject, VersionSelector? selector, ParsedSchema candidate)
    {
        lock (gate)
        {
            var history = state.Subjects.GetValueOrDefault(subject);
            var level = EffectiveLevel(history);
            if (selector is null)
            {
                return CompatibilityPolicy.FindConflicts(level, candidate.Schema, Earlier(history?.Visible(includeDeleted: false).ToList() ?? []));
            }

            var visible = VisibleSubject(subject, includeDeleted: false);
            var target = FindVersion(visible, selector.Value, includeDeleted: false);
            return CompatibilityPolicy.FindConflicts(level, candidate.Schema, Earlier([target]));
        }
    }

    private CompatibilityLevel EffectiveLevel(SubjectHistory? history) =>
        history?.Compatibility ?? state.GlobalCompatibility ?? defaultLevel;

    private List<EarlierVersion> Earlier(IReadOnlyList<SubjectVersion> versions) =>
        versions.Select(v => new EarlierVersion(v.Version, state.SchemasById[v.SchemaId].Schema)).ToList();

    private SubjectHistory VisibleSubject(string subject, bool includeDeleted)
    {
        var history = state.Subjects.GetValueOrDefault(subject);
        return history is not null && history.HasVisible(includeDeleted) ? history : throw RegistryRejectedException.SubjectNotFound(subject);
    }

    private static SubjectVersion FindVersion(SubjectHistory history, VersionSelector selector, bool includeDeleted)
    {
        var candidates = history.Visible(includeDeleted);
        var found = selector.IsLatest ? candidates.LastOrDefault() : candidates.FirstOrDefault(v => v.Version == selector.Number);
        return found ?? throw RegistryRejectedException.VersionNotFound(history.Name, selector.ToString());
    }

    private ParsedSchema ReferencedSchema(int id)
    {
        // Hard-deleted schemas keep their id reserved (for re-registration) but are no longer served.
        if (state.SchemasById.TryGetValue(id, out var schema) && state.Subjects.Values.Any(h => h.Versions.Any(v => v.SchemaId == id)))
        {
            return schema;
        }

        throw RegistryRejectedException.SchemaNotFound($"no schema has id {id}");
    }

    private SubjectVersionView View(string subject, SubjectVersion version) =>
        new(subject, version.Version, version.SchemaId, state.SchemasById[version.SchemaId].Text);

    /// <summary>Applies a change and persists it; if persisting fails the change is undone and 50001 returned.</summary>
    private T Mutate<T>(Func<RegistryState, T> change)
    {
        if (file is null)
        {
            return change(state);
        }

        var before = state.Clone();
        var result = change(state);
        try
        {
            file.Save(state);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            state = before;
            logger.LogError(e, "Could not write {File}; the change was not applied", file.Path);
            throw new RegistryRejectedException(500, RegistryErrorCodes.StoreError,
                $"Error in the backend data store: could not write {file.Path} ({e.Message}). Check that the data directory is writable and has free space.");
        }

        return result;
    }
}
