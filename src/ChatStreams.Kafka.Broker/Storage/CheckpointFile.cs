using System.Globalization;

namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>
/// A small file holding one offset ("0" version line, then the value), replaced atomically: written to a
/// temporary file, fsynced, renamed over the old one, then the directory fsynced, so a crash leaves either
/// the old or the new value, never a torn one.
/// </summary>
internal static class CheckpointFile
{
    private const string Version = "0";

    public static long? Read(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        if (!File.Exists(path)) return null;
        var lines = File.ReadAllLines(path);
        if (lines.Length < 2 || lines[0].Trim() != Version) return null;
        return long.TryParse(lines[1].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) ? value : null;
    }

    public static void Write(string directory, string name, long value) =>
        AtomicFile.Write(Path.Combine(directory, name),
            System.Text.Encoding.ASCII.GetBytes($"{Version}\n{value.ToString(CultureInfo.InvariantCulture)}\n"));

    public static bool IsTemporary(string fileName) => fileName.EndsWith(AtomicFile.TemporarySuffix, StringComparison.Ordinal);
}
