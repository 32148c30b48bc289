namespace ChatStreams.Streams.State;

/// <summary>
/// Range iteration that never holds a cursor across a yield: it reads a chunk, hands it out, then seeks again
/// after the last key returned. Processors can therefore delete or put while iterating (e.g. expiring entries
/// inside an All() loop), and an abandoned enumeration leaves no native iterator open.
/// </summary>
internal static class ChunkedScan
{
    public const int DefaultChunkSize = 512;

    /// <summary>
    /// Appends to <paramref name="into"/> up to <paramref name="max"/> entries in key order, starting at
    /// <paramref name="from"/> (inclusive or not; null = first key) and stopping at the range's upper bound.
    /// </summary>
    public delegate void ChunkReader(byte[]? from, bool fromInclusive, KeyRange range, int max, List<KeyValuePair<byte[], byte[]>> into);

    public static IEnumerable<KeyValuePair<byte[], byte[]>> Scan(KeyRange range, ChunkReader read, Action ensureOpen, int chunkSize = DefaultChunkSize)
    {
        if (range.IsEmpty) yield break;
        var from = range.From;
        var inclusive = true;
        var chunk = new List<KeyValuePair<byte[], byte[]>>(chunkSize);
        while (true)
        {
            ensureOpen();
            chunk.Clear();
            read(from, inclusive, range, chunkSize, chunk);
            foreach (var entry in chunk) yield return entry;
            if (chunk.Count < chunkSize) yield break;
            from = chunk[^1].Key;
            inclusive = false;
        }
    }
}
