namespace ChatStreams.Topologies;

/// <summary>
/// Composite keys of the topologies' stores, as readable strings (they show up in changelogs). Parts are joined by
/// U+0000, which ids never contain, so a prefix scan of "a\0" finds exactly the entries of a. Sequence numbers are
/// zero-padded to 19 digits so that byte order is numeric order.
/// </summary>
public static class StoreKeys
{
    public const char Separator = '\u0000';

    public static string Of(string first, string second) => string.Concat(first, "\u0000", second);

    public static string Of(string first, string second, string third) => string.Concat(first, "\u0000", second, "\u0000", third);

    /// <summary>The prefix that scans every key starting with <paramref name="first"/> as its first part.</summary>
    public static string Prefix(string first) => first + Separator;

    public static string Seq(string first, long seq) => Of(first, seq.ToString("D19", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The last part of a composite key.</summary>
    public static string Last(string key) => key[(key.LastIndexOf(Separator) + 1)..];
}
