using System.Buffers;

namespace ChatStreams.Kafka.Broker.Records;

/// <summary>
/// A growable byte buffer rented from <see cref="ArrayPool{T}.Shared"/>: decompression and batch building
/// write into it so the hot paths do not allocate a new array per batch. Dispose returns the array.
/// </summary>
internal sealed class PooledBuffer : IBufferWriter<byte>, IDisposable
{
    private byte[] _array;
    private int _written;

    public PooledBuffer(int initialCapacity = 4096)
    {
        _array = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));
    }

    public int WrittenCount => _written;
    public Span<byte> WrittenSpan => _array.AsSpan(0, _written);
    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _written);

    public void Advance(int count)
    {
        if (count < 0 || _written + count > _array.Length) throw new ArgumentOutOfRangeException(nameof(count));
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        data.CopyTo(GetSpan(data.Length));
        _written += data.Length;
    }

    public void Clear() => _written = 0;

    /// <summary>Hands the rented array to the caller, who must return it to the shared pool.</summary>
    public byte[] Detach(out int length)
    {
        var array = _array;
        length = _written;
        _array = [];
        _written = 0;
        return array;
    }

    public void Dispose()
    {
        if (_array.Length > 0) ArrayPool<byte>.Shared.Return(_array);
        _array = [];
        _written = 0;
    }

    private void Ensure(int sizeHint)
    {
        int needed = Math.Max(sizeHint, 1);
        if (_array.Length - _written >= needed) return;
        long target = Math.Max((long)_array.Length * 2, (long)_written + needed);
        if (target > Array.MaxLength) target = Math.Max((long)_written + needed, Array.MaxLength);
        if (target > Array.MaxLength) throw new InsufficientMemoryException("A record buffer would exceed the largest array size.");
        var bigger = ArrayPool<byte>.Shared.Rent((int)target);
        _array.AsSpan(0, _written).CopyTo(bigger);
        if (_array.Length > 0) ArrayPool<byte>.Shared.Return(_array);
        _array = bigger;
    }
}
