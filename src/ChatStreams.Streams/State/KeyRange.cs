namespace ChatStreams.Streams.State;

/// <summary>
/// A span of serialized keys in byte order: from <see cref="From"/> (inclusive; null = the first key) to
/// <see cref="To"/> (inclusive or exclusive; null = past the last key).
/// </summary>
public readonly record struct KeyRange(byte[]? From, byte[]? To, bool ToInclusive)
{
    public static KeyRange All { get; } = new(null, null, false);

    /// <summary>from &lt;= key &lt;= to; empty when from sorts after to.</summary>
    public static KeyRange Between(byte[] from, byte[] to) => new(from, to, true);

    /// <summary>Every key starting with <paramref name="prefix"/>: from the prefix up to (excluding) its successor.</summary>
    public static KeyRange Prefix(byte[] prefix) => new(prefix, Successor(prefix), false);

    /// <summary>True when <paramref name="key"/> lies at or below the upper bound.</summary>
    public bool BelowUpperBound(byte[] key)
    {
        if (To is null) return true;
        var c = ByteKeyComparer.Instance.Compare(key, To);
        return ToInclusive ? c <= 0 : c < 0;
    }

    /// <summary>True when no key can satisfy both bounds.</summary>
    public bool IsEmpty
    {
        get
        {
            if (From is null || To is null) return false;
            var c = ByteKeyComparer.Instance.Compare(From, To);
            return ToInclusive ? c > 0 : c >= 0;
        }
    }

    /// <summary>
    /// The smallest byte string greater than every string starting with <paramref name="prefix"/>: drop trailing
    /// 0xFF bytes and increment the last remaining one. Null when none exists (empty or all-0xFF prefix).
    /// </summary>
    internal static byte[]? Successor(byte[] prefix)
    {
        for (var i = prefix.Length - 1; i >= 0; i--)
        {
            if (prefix[i] == 0xFF) continue;
            var next = prefix[..(i + 1)];
            next[i]++;
            return next;
        }
        return null;
    }
}
