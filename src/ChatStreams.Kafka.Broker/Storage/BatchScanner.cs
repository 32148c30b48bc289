using System.Buffers;
using System.Buffers.Binary;
using ChatStreams.Kafka.Broker.Records;

namespace ChatStreams.Kafka.Broker.Storage;

internal enum ScanStep
{
    Batch,
    End,

    /// <summary>The bytes at <see cref="BatchScanner.Position"/> are not a whole, well-framed batch.</summary>
    Invalid,
}

/// <summary>
/// Walks the batches of a segment file between two positions through one read-ahead buffer, so scanning
/// headers costs one read per buffer rather than one per batch. Only the header is parsed unless the
/// caller asks for <see cref="CurrentBatch"/>.
/// </summary>
internal sealed class BatchScanner : IDisposable
{
    private readonly LogSegment _segment;
    private readonly long _end;
    private byte[] _buffer;
    private long _bufferStart;
    private int _bufferLength;
    private long _next;

    public BatchScanner(LogSegment segment, long start, long end, int bufferSize = 64 * 1024)
    {
        _segment = segment;
        _end = end;
        _next = start;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
    }

    public long Position { get; private set; } = -1;
    public RecordBatchHeader Header { get; private set; }

    /// <summary>Why the last step was <see cref="ScanStep.Invalid"/>.</summary>
    public string? Problem { get; private set; }

    public long NextPosition => _next;

    public ScanStep MoveNext()
    {
        long position = _next;
        Position = position;
        if (position >= _end) return ScanStep.End;
        long remaining = _end - position;
        if (remaining < RecordBatchLayout.HeaderSize)
            return Invalid($"only {remaining} bytes remain, too few for a batch header");

        var head = Ensure(position, RecordBatchLayout.HeaderSize);
        int batchLength = BinaryPrimitives.ReadInt32BigEndian(head[RecordBatchLayout.BatchLength..]);
        if (batchLength < RecordBatchLayout.MinBatchLength)
            return Invalid($"the batch length field is {batchLength}");
        if (RecordBatchLayout.LogOverhead + (long)batchLength > remaining)
            return Invalid($"the batch needs {RecordBatchLayout.LogOverhead + (long)batchLength} bytes but {remaining} remain");
        var header = RecordBatchHeader.Parse(head);
        if (header.Magic != RecordBatchLayout.CurrentMagic) return Invalid($"the magic byte is {header.Magic}");
        if (header.LastOffsetDelta < 0) return Invalid($"lastOffsetDelta is {header.LastOffsetDelta}");

        Header = header;
        _next = position + header.TotalSize;
        return ScanStep.Batch;
    }

    /// <summary>The whole current batch, valid until the next call.</summary>
    public ReadOnlySpan<byte> CurrentBatch => Ensure(Position, Header.TotalSize);

    public void Dispose()
    {
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private ScanStep Invalid(string problem)
    {
        Problem = problem;
        return ScanStep.Invalid;
    }

    private ReadOnlySpan<byte> Ensure(long position, int length)
    {
        if (position >= _bufferStart && position + length <= _bufferStart + _bufferLength)
            return _buffer.AsSpan((int)(position - _bufferStart), length);

        if (length > _buffer.Length)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(length);
        }
        int want = (int)Math.Min(_buffer.Length, _end - position);
        int read = _segment.ReadAt(position, _buffer.AsSpan(0, want));
        _bufferStart = position;
        _bufferLength = read;
        if (read < length)
            throw new IOException($"Segment {_segment.LogPath} ended at {position + read} while reading {length} bytes at {position}.");
        return _buffer.AsSpan(0, length);
    }
}
