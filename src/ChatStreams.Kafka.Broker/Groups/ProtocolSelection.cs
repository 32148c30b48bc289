namespace ChatStreams.Kafka.Broker.Groups;

/// <summary>
/// Picks the group's assignment protocol as Kafka does: among the protocols every member supports, each member
/// votes for the first one in its own preference order; the most votes win. Ties go to the leader's preference.
/// </summary>
internal static class ProtocolSelection
{
    public static string? Select(IReadOnlyCollection<GroupMember> members, GroupMember? leader)
    {
        if (members.Count == 0) return null;
        var candidates = CommonProtocols(members);
        if (candidates.Count == 0) return null;

        var votes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            var choice = member.Protocols.First(p => candidates.Contains(p.Name)).Name;
            votes[choice] = votes.GetValueOrDefault(choice) + 1;
        }
        var best = votes.Values.Max();
        var preference = (leader ?? members.First()).Protocols.Select(p => p.Name).ToList();
        return votes.Where(v => v.Value == best)
            .OrderBy(v => preference.IndexOf(v.Key) is var i and >= 0 ? i : int.MaxValue)
            .ThenBy(v => v.Key, StringComparer.Ordinal)
            .First().Key;
    }

    public static HashSet<string> CommonProtocols(IEnumerable<GroupMember> members)
    {
        HashSet<string>? common = null;
        foreach (var member in members)
        {
            var names = member.Protocols.Select(p => p.Name);
            if (common is null) common = new HashSet<string>(names, StringComparer.Ordinal);
            else common.IntersectWith(names);
        }
        return common ?? new HashSet<string>(StringComparer.Ordinal);
    }
}
