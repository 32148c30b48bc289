namespace ChatStreams.Topologies;

/// <summary>
/// A thread's stream for putting one record's bytes together, kept for its next record. A new stream per record
/// allocated its buffer, grew it (a copy) once the record outgrew the first guess, and copied it out again: at load
/// a fifth of what the fan-out allocated, for deliveries of a few hundred bytes. Records are written synchronously
/// on a stream thread, so one stream per thread is enough; one in use is not handed out twice.
/// </summary>
internal static class RecordWriteBuffer
{
    private const int InitialCapacity = 4 * 1024;

    /// <summary>A stream grown past this (an unusually large record) is dropped after use rather than kept by the thread.</summary>
    internal const int MaxKeptCapacity = 256 * 1024;

    [ThreadStatic] private static MemoryStream? _kept;

    /// <summary>The bytes <paramref name="write"/> puts into an empty stream.</summary>
    public static byte[] Write<TState>(TState state, Action<MemoryStream, TState> write)
    {
        var stream = _kept ?? new MemoryStream(InitialCapacity);
        _kept = null;
        try
        {
            write(stream, state);
            return stream.ToArray();
        }
        finally
        {
            stream.SetLength(0);
            stream.Position = 0;
            if (stream.Capacity <= MaxKeptCapacity) _kept = stream;
        }
    }
}
