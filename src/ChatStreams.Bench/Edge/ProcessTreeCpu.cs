namespace ChatStreams.Bench.Edge;

/// <summary>
/// CPU time (clock ticks) of a process and all its descendants, from /proc: `chatstreams up` runs the topologies, the
/// edges, the gateway and Redis as child processes, and their sum is the system under test's share of the machine.
/// </summary>
public static class ProcessTreeCpu
{
    /// <summary>utime + stime of <paramref name="rootPid"/> and its descendants alive now; null where /proc is not available.</summary>
    public static long? Ticks(int rootPid) => Snapshot() is { } processes ? Sum(processes, rootPid) : null;

    /// <summary>
    /// CPU ticks and resident memory (bytes) of the trees below <paramref name="rootPids"/> now; null where /proc is not available.
    /// </summary>
    public static (long Ticks, long RssBytes)? Usage(IEnumerable<int> rootPids)
    {
        if (Snapshot() is not { } processes) return null;
        var members = rootPids.SelectMany(root => Tree(processes, root)).Distinct().ToList();
        return (members.Sum(p => p.Ticks), members.Sum(p => p.RssPages) * Environment.SystemPageSize);
    }

    private static List<ProcessTicks>? Snapshot()
    {
        if (!Directory.Exists("/proc")) return null;
        var processes = new List<ProcessTicks>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!char.IsAsciiDigit(Path.GetFileName(directory)[0])) continue;
            try
            {
                if (Parse(File.ReadAllText(Path.Combine(directory, "stat"))) is { } stat) processes.Add(stat);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // it exited meanwhile
        }
        return processes;
    }

    /// <summary>Ticks of <paramref name="rootPid"/> and every process below it in <paramref name="processes"/>.</summary>
    public static long Sum(IReadOnlyCollection<ProcessTicks> processes, int rootPid) => Tree(processes, rootPid).Sum(p => p.Ticks);

    /// <summary><paramref name="rootPid"/> and every process below it in <paramref name="processes"/>.</summary>
    private static List<ProcessTicks> Tree(IReadOnlyCollection<ProcessTicks> processes, int rootPid)
    {
        var children = processes.ToLookup(p => p.ParentPid);
        var byPid = processes.ToDictionary(p => p.Pid);
        var tree = new List<ProcessTicks>();
        var pending = new Stack<int>([rootPid]);
        var visited = new HashSet<int>();
        while (pending.Count > 0)
        {
            var pid = pending.Pop();
            if (!visited.Add(pid)) continue;
            if (byPid.TryGetValue(pid, out var process)) tree.Add(process);
            foreach (var child in children[pid]) pending.Push(child.Pid);
        }
        return tree;
    }

    /// <summary>
    /// Pid, parent pid, utime + stime and rss of a /proc/[pid]/stat line ("pid (comm) state ppid … utime(14) stime(15) … rss(24)");
    /// null when the line is not one.
    /// </summary>
    public static ProcessTicks? Parse(string stat)
    {
        // comm may hold spaces and parentheses: count the fields after the last ')'; field 3 (state) is index 0 there.
        var open = stat.IndexOf(' ');
        var close = stat.LastIndexOf(')');
        if (open <= 0 || close < open || close + 2 > stat.Length) return null;
        var fields = stat[(close + 2)..].Split(' ');
        if (fields.Length < 13
            || !int.TryParse(stat.AsSpan(0, open), out var pid)
            || !int.TryParse(fields[1], out var parent)
            || !long.TryParse(fields[11], out var user)
            || !long.TryParse(fields[12], out var system))
            return null;
        var rss = fields.Length > 21 && long.TryParse(fields[21], out var pages) ? pages : 0;
        return new ProcessTicks(pid, parent, user + system, rss);
    }
}

/// <summary>One process's CPU time so far, in clock ticks, and its resident memory now, in pages.</summary>
public sealed record ProcessTicks(int Pid, int ParentPid, long Ticks, long RssPages = 0);
