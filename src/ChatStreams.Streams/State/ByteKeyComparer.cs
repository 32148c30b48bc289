namespace ChatStreams.Streams.State;

/// <summary>
/// Orders keys by their serialized bytes, unsigned and lexicographic (a shorter key sorts before its extensions),
/// which is RocksDB's default bytewise order: in-memory and persistent stores iterate identically.
/// </summary>
internal sealed class ByteKeyComparer : IComparer<byte[]>
{
    public static ByteKeyComparer Instance { get; } = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
}
