using System.Runtime.InteropServices;

namespace ChatStreams.Bench.Reporting;

/// <summary>What the numbers were measured on; benchmark results mean little without it.</summary>
public sealed record MachineDescription(DateOnly Date, int Processors, string CpuModel, string OperatingSystem, string Runtime)
{
    public static MachineDescription Current() => new(
        DateOnly.FromDateTime(DateTime.UtcNow),
        Environment.ProcessorCount,
        ReadCpuModel(),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription);

    /// <summary>File system type and device holding <paramref name="path"/>, from /proc/mounts (longest matching mount point).</summary>
    public static string FileSystemOf(string path)
    {
        const string mounts = "/proc/mounts";
        if (!File.Exists(mounts)) return "unknown file system";
        var full = Path.GetFullPath(path);
        var best = File.ReadLines(mounts)
            .Select(line => line.Split(' '))
            .Where(f => f.Length >= 3 && IsUnder(full, f[1]))
            .MaxBy(f => f[1].Length);
        return best is null ? "unknown file system" : $"{best[2]} ({best[0]})";
    }

    private static bool IsUnder(string path, string mountPoint) =>
        mountPoint == "/" || path == mountPoint || path.StartsWith(mountPoint.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static string ReadCpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!File.Exists(cpuinfo)) return RuntimeInformation.ProcessArchitecture.ToString();
        var line = File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
    }
}
