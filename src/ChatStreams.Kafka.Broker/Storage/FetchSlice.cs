using System.Buffers;

namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>
/// Whole batches read from a log, in a buffer rented from the shared pool. Dispose after the bytes were
/// written to the socket to return the buffer; not disposing is safe (the GC takes it), using the bytes
/// after Dispose is not.
/// </summary>
public sealed class FetchSlice : IDisposable
{
    private byte[]? _buffer;

    internal FetchSlice(byte[]? buffer, int length, int batchCount, long firstOffset, long nextOffset)
    {
        _buffer = buffer;
        Bytes = buffer is null ? ReadOnlyMemory<byte>.Empty : buffer.AsMemory(0, length);
        BatchCount = batchCount;
        FirstOffset = firstOffset;
        NextOffset = nextOffset;
    }

    public static FetchSlice Empty { get; } = new(null, 0, 0, -1, -1);

    /// <summary>Concatenated batches exactly as stored (a Fetch response's records field).</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    public int BatchCount { get; }

    /// <summary>Base offset of the first batch, -1 when empty (may be below the requested offset).</summary>
    public long FirstOffset { get; }

    /// <summary>The offset after the last batch, -1 when empty.</summary>
    public long NextOffset { get; }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
    }
}
