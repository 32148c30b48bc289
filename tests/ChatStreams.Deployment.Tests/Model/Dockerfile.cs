using System.Text.RegularExpressions;

namespace ChatStreams.Deployment.Tests.Model;

/// <summary>A Dockerfile split into its build stages, with line continuations joined.</summary>
public sealed partial class Dockerfile
{
    private Dockerfile(IReadOnlyList<DockerStage> stages) => Stages = stages;

    public IReadOnlyList<DockerStage> Stages { get; }

    public DockerStage FinalStage => Stages[^1];

    public DockerStage? Stage(string name) => Stages.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    public static Dockerfile Load(string path)
    {
        var stages = new List<DockerStage>();
        foreach (var (keyword, arguments) in Instructions(File.ReadAllText(path)))
        {
            if (keyword == "FROM")
            {
                var from = FromPattern().Match(arguments);
                if (!from.Success)
                {
                    throw new InvalidDataException($"{path}: cannot read 'FROM {arguments}'.");
                }

                stages.Add(new DockerStage(from.Groups["image"].Value, from.Groups["name"].Success ? from.Groups["name"].Value : null));
            }
            else if (stages.Count == 0)
            {
                if (keyword != "ARG")
                {
                    throw new InvalidDataException($"{path}: {keyword} appears before the first FROM.");
                }
            }
            else
            {
                stages[^1].Instructions.Add(new DockerInstruction(keyword, arguments));
            }
        }

        return new Dockerfile(stages);
    }

    private static IEnumerable<(string Keyword, string Arguments)> Instructions(string text)
    {
        var logical = string.Empty;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (logical.Length == 0 && (line.TrimStart().StartsWith('#') || line.Trim().Length == 0))
            {
                continue;
            }

            if (line.TrimStart().StartsWith('#'))
            {
                continue; // a comment inside a continued instruction
            }

            if (line.EndsWith('\\'))
            {
                logical += line[..^1] + " ";
                continue;
            }

            logical += line;
            var trimmed = logical.Trim();
            logical = string.Empty;
            var space = trimmed.IndexOfAny([' ', '\t']);
            yield return space < 0
                ? (trimmed.ToUpperInvariant(), string.Empty)
                : (trimmed[..space].ToUpperInvariant(), WhitespaceRun().Replace(trimmed[(space + 1)..].Trim(), " "));
        }
    }

    [GeneratedRegex(@"^(?:--\S+\s+)*(?<image>\S+)(?:\s+AS\s+(?<name>\S+))?$", RegexOptions.IgnoreCase)]
    private static partial Regex FromPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRun();
}

public sealed record DockerStage(string BaseImage, string? Name)
{
    public List<DockerInstruction> Instructions { get; } = [];

    public IEnumerable<string> Arguments(string keyword) =>
        Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);
}

public sealed record DockerInstruction(string Keyword, string Arguments);
