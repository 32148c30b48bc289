namespace ChatStreams.Bench.Edge;

/// <summary>
/// CPU time (clock ticks) of a process and all its descendants, from /proc: `chatstreams up` runs the topologies, the
/// edges, the gateway and Redis as child processes, and their sum is the system under test's share of the machine.
/// </summary>
public static class ProcessTreeCpu
{
    /// <summary>utime + stime of <paramref name="rootPid"/> and its descendants alive now; null where /proc is not available.</summary>
    public static long? Ticks(int rootPid)
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
        return Sum(processes, rootPid);
    }

    /// <summary>Ticks of <paramref name="rootPid"/> and every process below it in <paramref name="processes"/>.</summary>
    public static long Sum(IReadOnlyCollection<ProcessTicks> processes, int rootPid)
    {
        var children = processes.ToLookup(p => p.ParentPid);
        var byPid = processes.ToDictionary(p => p.Pid);
        long total = 0;
        var pending = new Stack<int>([rootPid]);
        var visited = new HashSet<int>();
        while (pending.Count > 0)
        {
            var pid = pending.Pop();
            if (!visited.Add(pid)) continue;
            if (byPid.TryGetValue(pid, out var process)) total += process.Ticks;
            foreach (var child in children[pid]) pending.Push(child.Pid);
        }
        return total;
    }

    /// <summary>
    /// Pid, parent pid and utime + stime of a /proc/[pid]/stat line ("pid (comm) state ppid … utime(14) stime(15) …");
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
        return new ProcessTicks(pid, parent, user + system);
    }
}

/// <summary>One process's CPU time so far, in clock ticks.</summary>
public sealed record ProcessTicks(int Pid, int ParentPid, long Ticks);
