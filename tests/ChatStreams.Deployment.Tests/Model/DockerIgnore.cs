using System.Text;
using System.Text.RegularExpressions;

namespace ChatStreams.Deployment.Tests.Model;

/// <summary>
/// The rules of a .dockerignore file: glob patterns relative to the build context, later lines win,
/// "!" re-includes, and a path is excluded when it or one of its parent folders matches.
/// </summary>
public sealed class DockerIgnore
{
    private readonly IReadOnlyList<(Regex Pattern, bool Excludes)> rules;

    private DockerIgnore(IReadOnlyList<(Regex, bool)> rules) => this.rules = rules;

    public static DockerIgnore Load(string path) =>
        new(File.ReadAllLines(path)
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.StartsWith('!') ? (ToRegex(line[1..]), false) : (ToRegex(line), true))
            .ToList());

    public bool Excludes(string relativePath)
    {
        var segments = relativePath.Replace('\\', '/').Trim('/').Split('/');
        for (var length = 1; length <= segments.Length; length++)
        {
            // A folder that is excluded takes everything below it along.
            if (Decide(string.Join('/', segments.Take(length))))
            {
                return true;
            }
        }

        return false;
    }

    private bool Decide(string path)
    {
        var excluded = false;
        foreach (var (pattern, excludes) in rules)
        {
            if (pattern.IsMatch(path))
            {
                excluded = excludes;
            }
        }

        return excluded;
    }

    private static Regex ToRegex(string glob)
    {
        var pattern = glob.Trim().TrimStart('/').TrimEnd('/');
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                // "**/" matches any number of folders, including none.
                var slashFollows = i + 2 < pattern.Length && pattern[i + 2] == '/';
                regex.Append(slashFollows ? "(?:.*/)?" : ".*");
                i += slashFollows ? 2 : 1;
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
