using Microsoft.Extensions.Logging;

namespace ChatStreams.SchemaRegistry.Storage;

/// <summary>Soft and permanent deletes, with Confluent's rule that a permanent delete needs a soft delete first.</summary>
internal sealed partial class SchemaStore
{
    /// <summary>Soft-deletes every live version, or (permanent) removes a subject whose versions were all soft-deleted first.</summary>
    public IReadOnlyList<int> DeleteSubject(string subject, bool permanent)
    {
        lock (gate)
        {
            var history = state.Subjects.GetValueOrDefault(subject);
            if (history is null || history.Versions.Count == 0)
            {
                throw RegistryRejectedException.SubjectNotFound(subject);
            }

            if (!permanent)
            {
                var live = history.Visible(includeDeleted: false).Select(v => v.Version).ToList();
                if (live.Count == 0)
                {
                    throw new RegistryRejectedException(404, RegistryErrorCodes.SubjectSoftDeleted,
                        $"Subject '{subject}' was soft deleted. Set permanent=true to delete permanently.");
                }

                Mutate(s =>
                {
                    s.Subjects[subject].Versions.ForEach(v => v.Deleted = true);
                    return 0;
                });
                logger.LogInformation("Soft-deleted subject {Subject} (versions {Versions})", subject, live);
                return live;
            }

            if (history.HasVisible(includeDeleted: false))
            {
                throw new RegistryRejectedException(404, RegistryErrorCodes.SubjectNotSoftDeleted,
                    $"Subject '{subject}' was not deleted first before being permanently deleted. Delete it without permanent=true first.");
            }

            var all = history.Versions.Select(v => v.Version).ToList();
            Mutate(s => s.Subjects.Remove(subject));
            logger.LogInformation("Permanently deleted subject {Subject} (versions {Versions})", subject, all);
            return all;
        }
    }

    /// <summary>Soft-deletes one version, or (permanent) removes a version that was soft-deleted first.</summary>
    public int DeleteVersion(string subject, VersionSelector selector, bool permanent)
    {
        lock (gate)
        {
            var history = state.Subjects.GetValueOrDefault(subject);
            if (history is null || history.Versions.Count == 0)
            {
                throw RegistryRejectedException.SubjectNotFound(subject);
            }

            var target = FindVersion(history, selector, includeDeleted: permanent || !selector.IsLatest);
            if (!permanent)
            {
                if (target.Deleted)
                {
                    throw new RegistryRejectedException(404, RegistryErrorCodes.VersionSoftDeleted,
                        $"Subject '{subject}' Version {target.Version} was soft deleted. Set permanent=true to delete permanently.");
                }

                Mutate(s =>
                {
                    s.Subjects[subject].Versions.First(v => v.Version == target.Version).Deleted = true;
                    return 0;
                });
                logger.LogInformation("Soft-deleted version {Version} of subject {Subject}", target.Version, subject);
                return target.Version;
            }

            if (!target.Deleted)
            {
                throw new RegistryRejectedException(404, RegistryErrorCodes.VersionNotSoftDeleted,
                    $"Subject '{subject}' Version {target.Version} was not deleted first before being permanently deleted. Delete it without permanent=true first.");
            }

            Mutate(s =>
            {
                var h = s.Subjects[subject];
                h.Versions.RemoveAll(v => v.Version == target.Version);
                if (h.Versions.Count == 0 && h.Compatibility is null)
                {
                    s.Subjects.Remove(subject);
                }

                return 0;
            });
            logger.LogInformation("Permanently deleted version {Version} of subject {Subject}", target.Version, subject);
            return target.Version;
        }
    }
}
