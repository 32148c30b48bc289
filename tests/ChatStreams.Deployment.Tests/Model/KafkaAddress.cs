using System.Globalization;
using System.Text.RegularExpressions;

namespace ChatStreams.Deployment.Tests.Model;

/// <summary>
/// One Kafka address: "host:port", or "LISTENER://host:port" as in listeners, advertised listeners and
/// Schema Registry's bootstrap list (where the prefix names a security protocol instead).
/// </summary>
public sealed partial record KafkaAddress(string? Listener, string Host, int Port)
{
    public static KafkaAddress Parse(string text)
    {
        var match = AddressPattern().Match(text.Trim());
        if (!match.Success)
        {
            throw new FormatException($"'{text}' is not a Kafka address of the form [NAME://]host:port.");
        }

        var listener = match.Groups["listener"].Success ? match.Groups["listener"].Value : null;
        return new KafkaAddress(listener, match.Groups["host"].Value, int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture));
    }

    public static IReadOnlyList<KafkaAddress> ParseList(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).ToList();

    [GeneratedRegex(@"^(?:(?<listener>[A-Za-z0-9_]+)://)?(?<host>[^:/]*):(?<port>\d+)$")]
    private static partial Regex AddressPattern();
}
