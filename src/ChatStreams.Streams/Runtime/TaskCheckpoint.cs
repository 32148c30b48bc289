using System.Globalization;
using Confluent.Kafka;

namespace ChatStreams.Streams.Runtime;

/// <summary>
/// A task's ".checkpoint" file: for each changelog partition, the offset up to which the local persistent stores
/// hold the changelog. Restoration resumes there instead of at the beginning. Under exactly-once it is written only
/// on a clean close and deleted as soon as the task runs again, so after a crash no checkpoint exists and the
/// state directory is wiped and rebuilt: uncommitted writes may sit in the local store.
/// Format: one "topic partition offset" line per changelog partition (Kafka Streams keeps a similar text file).
/// </summary>
internal static class TaskCheckpoint
{
    public const string FileName = ".checkpoint";

    public static string PathIn(string taskDirectory) => System.IO.Path.Combine(taskDirectory, FileName);

    public static IReadOnlyDictionary<TopicPartition, long> Read(string taskDirectory)
    {
        var file = PathIn(taskDirectory);
        var result = new Dictionary<TopicPartition, long>();
        if (!File.Exists(file)) return result;
        foreach (var line in File.ReadAllLines(file))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // A line we cannot read means we do not know what the store holds: treat the whole file as absent.
            if (parts.Length != 3 || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var partition)
                || !long.TryParse(parts[2], CultureInfo.InvariantCulture, out var offset))
                return new Dictionary<TopicPartition, long>();
            result[new TopicPartition(parts[0], partition)] = offset;
        }
        return result;
    }

    public static bool Exists(string taskDirectory) => File.Exists(PathIn(taskDirectory));

    /// <summary>Writes atomically (temp file, fsync, rename) so a crash leaves the old file or the new one.</summary>
    public static void Write(string taskDirectory, IReadOnlyDictionary<TopicPartition, long> offsets)
    {
        Directory.CreateDirectory(taskDirectory);
        var file = PathIn(taskDirectory);
        var temp = file + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new StreamWriter(stream))
        {
            foreach (var (tp, offset) in offsets.OrderBy(o => o.Key.Topic, StringComparer.Ordinal).ThenBy(o => o.Key.Partition.Value))
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{tp.Topic} {tp.Partition.Value} {offset}"));
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, file, overwrite: true);
    }

    public static void Delete(string taskDirectory)
    {
        var file = PathIn(taskDirectory);
        if (File.Exists(file)) File.Delete(file);
    }
}
