namespace ChatStreams.Streams.State;

/// <summary>Equality of keys by content, for the hash index of the in-memory store.</summary>
internal sealed class ByteKeyEquality : IEqualityComparer<byte[]>
{
    public static ByteKeyEquality Instance { get; } = new();

    public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] key)
    {
        var hash = new HashCode();
        hash.AddBytes(key);
        return hash.ToHashCode();
    }
}
