namespace ChatStreams.Identity;

/// <summary>
/// One <see cref="IUserDirectory.GetProfilesAsync"/> call: the ids it really needs (no empties, no repeats) and the
/// profiles found so far. The ids come in batches so that no single query grows with the caller's list: SQLite caps
/// the parameters of one statement and MongoDB the size of one query document.
/// </summary>
internal sealed class ProfileLookup
{
    public const int IdsPerQuery = 500;

    private readonly Dictionary<string, UserProfile> _found = new(StringComparer.Ordinal);

    public ProfileLookup(IEnumerable<string> userIds)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        Batches = userIds
            .Where(id => !string.IsNullOrEmpty(id))
            .Distinct(StringComparer.Ordinal)
            .Chunk(IdsPerQuery)
            .ToArray();
    }

    public IReadOnlyList<string[]> Batches { get; }

    /// <summary>Nothing to look up, so a directory can answer without touching its store.</summary>
    public bool IsEmpty => Batches.Count == 0;

    /// <summary>Keyed by user id; unknown ids are simply absent.</summary>
    public IReadOnlyDictionary<string, UserProfile> Found => _found;

    public void Add(UserProfile profile) => _found[profile.UserId] = profile;
}
