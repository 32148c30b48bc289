using System.Text.RegularExpressions;

namespace ChatStreams.Kafka.Broker.Cluster;

/// <summary>Kafka's topic name rules: 1–249 chars of [a-zA-Z0-9._-], not "." or "..".</summary>
public static partial class TopicName
{
    public const int MaxLength = 249;

    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "topic name is empty";
        if (name is "." or "..") return $"topic name '{name}' is not allowed";
        if (name.Length > MaxLength) return $"topic name is {name.Length} characters; the limit is {MaxLength}";
        if (!Legal().IsMatch(name)) return $"topic name '{name}' may only contain ASCII letters, digits, '.', '_' and '-'";
        return null;
    }

    [GeneratedRegex("^[a-zA-Z0-9._-]+$")]
    private static partial Regex Legal();
}
