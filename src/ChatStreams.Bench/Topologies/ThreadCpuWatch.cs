using System.Diagnostics;

namespace ChatStreams.Bench.Topologies;

/// <summary>
/// CPU time of this process's threads by name, from /proc/self/task (Linux), over a window: tells whether a stream
/// thread was busy computing or mostly waiting (for its commits, the disk, its own records to become readable).
/// Linux keeps only the first 15 bytes of a thread's name, so names are compared that far.
/// </summary>
public sealed class ThreadCpuWatch
{
    /// <summary>USER_HZ: the unit of utime/stime in /proc; 100 on every Linux the project runs on.</summary>
    private const double TicksPerSecond = 100;
    private const int KernelNameLength = 15;

    /// <summary>The name prefix every thread has: the whole process.</summary>
    public const string AllThreads = "";

    private Dictionary<int, (string Name, long Ticks)> _start = [];
    private long? _processStart;
    private long _startedAt;

    public void Open()
    {
        _start = Sample();
        _processStart = ProcessTicks();
        _startedAt = Stopwatch.GetTimestamp();
    }

    /// <summary>The share of one core each thread whose name starts like <paramref name="threadName"/> used since <see cref="Open"/> (summed over such threads); null where /proc is not readable.</summary>
    public IReadOnlyDictionary<string, double?> Close(params string[] threadNames)
    {
        var seconds = Stopwatch.GetElapsedTime(_startedAt).TotalSeconds;
        var end = Sample();
        var processEnd = ProcessTicks();
        var shares = new Dictionary<string, double?>();
        foreach (var name in threadNames)
        {
            if (name == AllThreads)
            {
                // The process's own counters also keep the time of threads that ended within the window.
                shares[name] = processEnd - _processStart is { } process && seconds > 0 ? process / TicksPerSecond / seconds : null;
                continue;
            }
            if (end.Count == 0 || seconds <= 0)
            {
                shares[name] = null;
                continue;
            }
            var prefix = name.Length > KernelNameLength ? name[..KernelNameLength] : name;
            var ticks = end.Where(t => t.Value.Name.StartsWith(prefix, StringComparison.Ordinal))
                .Sum(t => t.Value.Ticks - (_start.TryGetValue(t.Key, out var s) ? s.Ticks : 0));
            shares[name] = ticks / TicksPerSecond / seconds;
        }
        return shares;
    }

    private static long? ProcessTicks()
    {
        try { return Ticks(File.ReadAllText("/proc/self/stat")).Ticks; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException) { return null; }
    }

    /// <summary>The id, name and utime + stime of a stat line "id (name) state … utime(14) stime(15)"; the name may hold spaces and parentheses.</summary>
    private static (int Id, string Name, long Ticks) Ticks(string stat)
    {
        var open = stat.IndexOf('(');
        var close = stat.LastIndexOf(')');
        var fields = stat[(close + 2)..].Split(' ');
        return (int.Parse(stat[..open].Trim()), stat[(open + 1)..close], long.Parse(fields[11]) + long.Parse(fields[12]));
    }

    private static Dictionary<int, (string Name, long Ticks)> Sample()
    {
        var threads = new Dictionary<int, (string, long)>();
        try
        {
            foreach (var directory in Directory.EnumerateDirectories("/proc/self/task"))
            {
                string stat;
                try { stat = File.ReadAllText(Path.Combine(directory, "stat")); }
                catch (IOException) { continue; } // the thread ended meanwhile
                var (id, name, ticks) = Ticks(stat);
                threads[id] = (name, ticks);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return [];
        }
        return threads;
    }
}
