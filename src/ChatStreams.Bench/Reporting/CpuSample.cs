namespace ChatStreams.Bench.Reporting;

/// <summary>
/// CPU time of the whole machine, of this process and of the kernel's own threads, from /proc (clock ticks).
/// Two samples tell how much of the machine other processes used between them: on a shared 2-core machine
/// that is what skews a run. Kernel threads are left out of "other": they include the file system's journal
/// threads, which work for this run's fsyncs.
/// </summary>
public sealed record CpuSample(long BusyTicks, long TotalTicks, long ProcessTicks, long KernelThreadTicks)
{
    /// <summary>PF_KTHREAD in the flags field of /proc/[pid]/stat.</summary>
    private const long KernelThreadFlag = 0x00200000;

    /// <summary>Now, or null where /proc is not available.</summary>
    public static CpuSample? Take()
    {
        try
        {
            // "cpu  user nice system idle iowait irq softirq steal ..."
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
            var idle = fields[3] + fields[4];
            var self = ProcessStat(File.ReadAllText("/proc/self/stat"));
            long kernelThreads = 0;
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (!char.IsAsciiDigit(Path.GetFileName(directory)[0])) continue;
                string text;
                try { text = File.ReadAllText(Path.Combine(directory, "stat")); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; } // it exited meanwhile
                var stat = ProcessStat(text);
                if ((stat.Flags & KernelThreadFlag) != 0) kernelThreads += stat.Ticks;
            }
            return new CpuSample(fields.Sum() - idle, fields.Sum(), self.Ticks, kernelThreads);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Share of all CPU time between the samples that was busy outside this process and the kernel's threads.</summary>
    public static double OtherShare(CpuSample start, CpuSample end)
    {
        var total = end.TotalTicks - start.TotalTicks;
        if (total <= 0) return 0;
        var others = (end.BusyTicks - start.BusyTicks) - (end.ProcessTicks - start.ProcessTicks) - (end.KernelThreadTicks - start.KernelThreadTicks);
        return Math.Clamp((double)others / total, 0, 1);
    }

    /// <summary>Flags and utime + stime of a /proc/[pid]/stat line: "pid (comm) state ppid … flags(9) … utime(14) stime(15)".</summary>
    private static (long Flags, long Ticks) ProcessStat(string stat)
    {
        // comm may hold spaces and parentheses: count fields after the last ')'; field 3 (state) is index 0 there.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[6]), long.Parse(fields[11]) + long.Parse(fields[12]));
    }
}
