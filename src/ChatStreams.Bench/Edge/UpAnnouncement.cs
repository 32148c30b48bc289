using System.Text.RegularExpressions;

namespace ChatStreams.Bench.Edge;

/// <summary>The line `chatstreams up` prints once everything listens: "ChatStreams is up: &lt;gateway&gt; (kafka &lt;k&gt;, registry &lt;r&gt;, status &lt;s&gt;)".</summary>
public sealed partial record UpAnnouncement(string GatewayUrl, string Kafka, string RegistryUrl, string StatusUrl)
{
    [GeneratedRegex(@"^ChatStreams is up: (?<gateway>\S+) \(kafka (?<kafka>\S+), registry (?<registry>\S+), status (?<status>\S+)\)$")]
    private static partial Regex Line();

    /// <summary>The announcement in <paramref name="line"/>, or null for any other line of the host's output.</summary>
    public static UpAnnouncement? TryParse(string line) => Line().Match(line.TrimEnd()) is { Success: true } m
        ? new UpAnnouncement(m.Groups["gateway"].Value, m.Groups["kafka"].Value, m.Groups["registry"].Value, m.Groups["status"].Value)
        : null;
}
