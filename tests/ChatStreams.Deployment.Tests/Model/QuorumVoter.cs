using System.Globalization;
using System.Text.RegularExpressions;

namespace ChatStreams.Deployment.Tests.Model;

/// <summary>One entry of controller.quorum.voters: id@host:port.</summary>
public sealed partial record QuorumVoter(int NodeId, string Host, int Port)
{
    public static IReadOnlyList<QuorumVoter> ParseList(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(entry =>
        {
            var match = VoterPattern().Match(entry);
            if (!match.Success)
            {
                throw new FormatException($"'{entry}' in '{text}' is not a quorum voter of the form id@host:port.");
            }

            return new QuorumVoter(
                int.Parse(match.Groups["id"].Value, CultureInfo.InvariantCulture),
                match.Groups["host"].Value,
                int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture));
        }).ToList();

    [GeneratedRegex(@"^(?<id>\d+)@(?<host>[^:]+):(?<port>\d+)$")]
    private static partial Regex VoterPattern();
}
