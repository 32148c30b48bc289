using Avro;

namespace ChatStreams.SchemaRegistry.Compatibility;

/// <summary>An earlier version of a subject, as the compatibility policy sees it.</summary>
public sealed record EarlierVersion(int Version, Schema Schema);

/// <summary>Applies a compatibility level: checks a candidate schema against a subject's earlier versions.</summary>
public static class CompatibilityPolicy
{
    /// <summary>
    /// Returns every reason the candidate breaks the level; empty when it may be registered.
    /// <paramref name="earlier"/> is in ascending version order; non-transitive levels look at the last one only.
    /// </summary>
    public static IReadOnlyList<string> FindConflicts(CompatibilityLevel level, Schema candidate, IReadOnlyList<EarlierVersion> earlier)
    {
        if (level == CompatibilityLevel.None || earlier.Count == 0)
        {
            return [];
        }

        var targets = level.IsTransitive() ? earlier : [earlier[^1]];
        var conflicts = new List<string>();
        foreach (var version in targets)
        {
            if (level.ChecksBackward())
            {
                var result = AvroCompatibility.Check(candidate, version.Schema,
                    new CompatibilityLabels("the new schema", $"writer schema version {version.Version}"));
                conflicts.AddRange(result.Messages);
            }

            if (level.ChecksForward())
            {
                var result = AvroCompatibility.Check(version.Schema, candidate,
                    new CompatibilityLabels($"reader schema version {version.Version}", "the new schema"));
                // Forward messages talk about the old version's fields; say which version is the reader.
                conflicts.AddRange(result.Messages.Select(m => $"version {version.Version} cannot read data written with the new schema: {m}"));
            }
        }

        return conflicts;
    }
}
