namespace ChatStreams.Bench.Edge;

/// <summary>
/// How far the message frames one device received of one conversation are from the protocol's promise: every seq of
/// the expected range exactly once, in increasing order. All counts are 0 when the promise holds.
/// </summary>
/// <param name="Lost">Seqs of the range never received.</param>
/// <param name="Duplicates">Frames whose seq had been received before.</param>
/// <param name="OutOfOrder">Frames (not duplicates) whose seq is below one received earlier.</param>
/// <param name="Unexpected">Frames whose seq is outside the range (messages the benchmark did not send).</param>
public sealed record SequenceCheck(int Lost, int Duplicates, int OutOfOrder, int Unexpected)
{
    public static SequenceCheck Clean { get; } = new(0, 0, 0, 0);

    public bool Passed => this == Clean;

    /// <summary>Checks seqs in arrival order against the range <paramref name="first"/>..<paramref name="last"/> (empty when last &lt; first).</summary>
    public static SequenceCheck Of(IEnumerable<long> arrivals, long first, long last)
    {
        var seen = new HashSet<long>();
        int duplicates = 0, outOfOrder = 0, unexpected = 0;
        var highest = long.MinValue;
        foreach (var seq in arrivals)
        {
            if (!seen.Add(seq))
            {
                duplicates++;
                continue;
            }
            if (seq < first || seq > last) unexpected++;
            if (seq < highest) outOfOrder++;
            highest = Math.Max(highest, seq);
        }
        var inRange = seen.Count(s => s >= first && s <= last);
        var lost = (int)Math.Max(0, last - first + 1) - inRange;
        return new SequenceCheck(lost, duplicates, outOfOrder, unexpected);
    }

    public static SequenceCheck operator +(SequenceCheck a, SequenceCheck b) =>
        new(a.Lost + b.Lost, a.Duplicates + b.Duplicates, a.OutOfOrder + b.OutOfOrder, a.Unexpected + b.Unexpected);
}
