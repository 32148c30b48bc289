using ChatStreams.SchemaRegistry.Compatibility;
using Microsoft.Extensions.Logging;

namespace ChatStreams.SchemaRegistry.Storage;

/// <summary>Global and per-subject compatibility levels.</summary>
internal sealed partial class SchemaStore
{
    public CompatibilityLevel GetGlobalLevel()
    {
        lock (gate)
        {
            return state.GlobalCompatibility ?? defaultLevel;
        }
    }

    public void SetGlobalLevel(CompatibilityLevel level)
    {
        lock (gate)
        {
            Mutate(s => s.GlobalCompatibility = level);
            logger.LogInformation("Global compatibility level set to {Level}", level.ToWireName());
        }
    }

    public CompatibilityLevel GetSubjectLevel(string subject, bool defaultToGlobal)
    {
        lock (gate)
        {
            var own = state.Subjects.GetValueOrDefault(subject)?.Compatibility;
            if (own is { } level)
            {
                return level;
            }

            return defaultToGlobal
                ? state.GlobalCompatibility ?? defaultLevel
                : throw new RegistryRejectedException(404, RegistryErrorCodes.SubjectCompatibilityNotConfigured,
                    $"Subject '{subject}' does not have subject-level compatibility configured (the global level applies; add ?defaultToGlobal=true to get it).");
        }
    }

    public void SetSubjectLevel(string subject, CompatibilityLevel level)
    {
        lock (gate)
        {
            Mutate(s =>
            {
                var history = s.Subjects.TryGetValue(subject, out var existing) ? existing : s.Subjects[subject] = new SubjectHistory { Name = subject };
                history.Compatibility = level;
                return 0;
            });
            logger.LogInformation("Compatibility level of subject {Subject} set to {Level}", subject, level.ToWireName());
        }
    }

    /// <summary>Removes a subject's own level (the global one applies again); returns the removed level.</summary>
    public CompatibilityLevel DeleteSubjectLevel(string subject)
    {
        lock (gate)
        {
            var previous = GetSubjectLevel(subject, defaultToGlobal: false);
            Mutate(s =>
            {
                var history = s.Subjects[subject];
                history.Compatibility = null;
                if (history.Versions.Count == 0)
                {
                    s.Subjects.Remove(subject);
                }

                return 0;
            });
            return previous;
        }
    }
}
