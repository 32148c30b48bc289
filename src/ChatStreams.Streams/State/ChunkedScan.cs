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
    /// The first chunk's size. Most scans on the message path read a handful of entries (a conversation's members, its
    /// read marks); a first chunk of <see cref="DefaultChunkSize"/> allocated and cleared an 8 KB list for each of them,
    /// the largest single allocation of the topologies at load. Chunks double from here up to the chunk size, so a long
    /// scan costs a few more seeks at its start and no more afterwards.
    /// </summary>
    public const int FirstChunkSize = 16;

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
        var size = Math.Min(FirstChunkSize, chunkSize);
        var chunk = new List<KeyValuePair<byte[], byte[]>>(size);
        while (true)
        {
            ensureOpen();
            chunk.Clear();
            read(from, inclusive, range, size, chunk);
            foreach (var entry in chunk) yield return entry;
            if (chunk.Count < size) yield break;
            from = chunk[^1].Key;
            inclusive = false;
            size = Math.Min(size * 2, chunkSize);
        }
    }
}
