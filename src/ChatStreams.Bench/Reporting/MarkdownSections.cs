namespace ChatStreams.Bench.Reporting;

/// <summary>
/// Replaces one level-2 section ("## Title" up to the next "## " heading) in a markdown document and
/// leaves every other section as it is, so each benchmark rewrites only its own part of docs/benchmarks.md.
/// Headings inside ``` fences do not count.
/// </summary>
public static class MarkdownSections
{
    /// <summary>The document started when the file does not exist yet.</summary>
    public const string NewDocumentPreamble =
        "# Benchmarks\n\nMeasured by `scripts/bench.sh`; each section is written by one benchmark and replaced when it runs again.\n";

    /// <summary>
    /// Returns <paramref name="document"/> with the section headed <paramref name="heading"/> (e.g. "## Embedded Kafka broker")
    /// replaced by <paramref name="section"/> (which starts with that heading), or with it appended when absent.
    /// </summary>
    public static string Replace(string? document, string heading, string section)
    {
        if (!heading.StartsWith("## ", StringComparison.Ordinal))
            throw new ArgumentException($"'{heading}' is not a level-2 markdown heading (\"## Title\").", nameof(heading));
        if (!section.StartsWith(heading, StringComparison.Ordinal))
            throw new ArgumentException("The new section must start with its heading.", nameof(section));

        var body = section.TrimEnd('\n') + "\n";
        if (string.IsNullOrWhiteSpace(document)) return NewDocumentPreamble + "\n" + body;

        var lines = document.Replace("\r\n", "\n").Split('\n').ToList();
        var start = -1;
        var end = lines.Count;
        var inFence = false;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) inFence = !inFence;
            if (inFence || !line.StartsWith("## ", StringComparison.Ordinal)) continue;
            if (start < 0 && line.TrimEnd() == heading) start = i;
            else if (start >= 0) { end = i; break; }
        }

        if (start < 0) return document.TrimEnd('\n') + "\n\n" + body;

        var before = string.Join('\n', lines.Take(start));
        var after = string.Join('\n', lines.Skip(end));
        var result = before.Length > 0 ? before.TrimEnd('\n') + "\n\n" + body : body;
        if (end < lines.Count) result += "\n" + after.TrimEnd('\n') + "\n";
        return result;
    }
}
