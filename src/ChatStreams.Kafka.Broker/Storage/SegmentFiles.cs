using System.Globalization;

namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>
/// File names of a partition directory, as Kafka lays them out: each segment is named by its base offset,
/// 20 digits zero padded, with .log (batches), .index (offset index) and .timeindex (time index).
/// Suffixes mark files mid-operation: .cleaned (compaction output being written), .swap (complete
/// compaction output not yet renamed in), .deleted (removed segments waiting for readers to finish).
/// </summary>
internal static class SegmentFiles
{
    public const string Log = ".log";
    public const string Index = ".index";
    public const string TimeIndex = ".timeindex";
    public const string Cleaned = ".cleaned";
    public const string Swap = ".swap";
    public const string Deleted = ".deleted";

    public const string LogStartOffsetCheckpoint = "log-start-offset-checkpoint";
    public const string RecoveryPointCheckpoint = "recovery-point-offset-checkpoint";
    public const string CleanShutdownMarker = ".clean-shutdown";

    public static string Name(long baseOffset) => baseOffset.ToString("D20", CultureInfo.InvariantCulture);

    public static string Path(string directory, long baseOffset, string suffix) =>
        System.IO.Path.Combine(directory, Name(baseOffset) + suffix);

    /// <summary>Parses "00000000000000000042.log" style names; false for anything else.</summary>
    public static bool TryParseBaseOffset(string fileName, string suffix, out long baseOffset)
    {
        baseOffset = -1;
        if (!fileName.EndsWith(suffix, StringComparison.Ordinal)) return false;
        var stem = fileName[..^suffix.Length];
        return stem.Length == 20 && long.TryParse(stem, NumberStyles.None, CultureInfo.InvariantCulture, out baseOffset);
    }
}
