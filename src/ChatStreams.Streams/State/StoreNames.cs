using System.Text.RegularExpressions;

namespace ChatStreams.Streams.State;

/// <summary>
/// A store name becomes part of a topic name (its changelog) and a directory name (RocksDB), so it is held to
/// Kafka's topic-name rules, which are also safe on every file system.
/// </summary>
internal static partial class StoreNames
{
    public static void Validate(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 200 || !Legal().IsMatch(name) || name is "." or "..")
            throw new ArgumentException(
                $"invalid state store name '{name}': use 1-200 of the characters a-z A-Z 0-9 . _ - (it names the changelog topic and a directory)",
                nameof(name));
    }

    [GeneratedRegex("^[a-zA-Z0-9._-]+$")]
    private static partial Regex Legal();
}
