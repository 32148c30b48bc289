using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ChatStreams.Deployment.Tests.Chart;

/// <summary>
/// Renders the chart's templates for the tests, without helm (not installable here): the subset of Go templates and
/// Helm functions the chart uses — {{ .Values.x }}, {{ .Release.Name }}, {{ .Release.Namespace }}, {{- / -}} trimming,
/// pipelines, if / else / end, range $x := ..., $ and $x, and quote, toYaml, nindent, indent, required, default, min,
/// list, eq. Anything else, and any value values.yaml does not have, fails the render (stricter than helm, which
/// prints "&lt;no value&gt;"), so the chart cannot drift outside what this renderer proves.
/// </summary>
public sealed partial class ChartTemplate
{
    private abstract record Node;
    private sealed record TextNode(string Text) : Node;
    private sealed record ActionNode(string Pipeline) : Node;
    private sealed record IfNode(string Condition, List<Node> Then, List<Node> Else) : Node;
    private sealed record RangeNode(string Variable, string Pipeline, List<Node> Body) : Node;

    private readonly List<Node> _nodes;
    private readonly string _name;

    private ChartTemplate(string name, List<Node> nodes)
    {
        _name = name;
        _nodes = nodes;
    }

    [GeneratedRegex(@"\{\{(-?)\s*(.*?)\s*(-?)\}\}", RegexOptions.Singleline)]
    private static partial Regex Action();

    public static ChartTemplate Parse(string name, string text)
    {
        // Split into text and actions, applying the trim markers.
        var parts = new List<(bool IsAction, string Text)>();
        var at = 0;
        foreach (Match m in Action().Matches(text))
        {
            var before = text[at..m.Index];
            if (m.Groups[1].Value == "-") before = before.TrimEnd();
            parts.Add((false, before));
            parts.Add((true, m.Groups[2].Value));
            at = m.Index + m.Length;
            if (m.Groups[3].Value == "-") while (at < text.Length && char.IsWhiteSpace(text[at])) at++;
        }
        parts.Add((false, text[at..]));
        var position = 0;
        var nodes = ParseBlock(parts, ref position, name, out var end);
        if (end is not null) throw new FormatException($"{name}: '{{{{ {end} }}}}' without an opening if or range");
        return new ChartTemplate(name, nodes);
    }

    private static List<Node> ParseBlock(List<(bool IsAction, string Text)> parts, ref int position, string name, out string? terminator)
    {
        var nodes = new List<Node>();
        while (position < parts.Count)
        {
            var (isAction, text) = parts[position++];
            if (!isAction)
            {
                if (text.Length > 0) nodes.Add(new TextNode(text));
                continue;
            }
            if (text is "end" or "else")
            {
                terminator = text;
                return nodes;
            }
            if (text.StartsWith("if ", StringComparison.Ordinal))
            {
                var then = ParseBlock(parts, ref position, name, out var t);
                var otherwise = new List<Node>();
                if (t == "else") otherwise = ParseBlock(parts, ref position, name, out t);
                if (t != "end") throw new FormatException($"{name}: if {text[3..]} has no end");
                nodes.Add(new IfNode(text[3..], then, otherwise));
            }
            else if (RangeHead().Match(text) is { Success: true } r)
            {
                var body = ParseBlock(parts, ref position, name, out var t);
                if (t != "end") throw new FormatException($"{name}: range has no end");
                nodes.Add(new RangeNode(r.Groups["var"].Value, r.Groups["pipe"].Value, body));
            }
            else if (text.StartsWith("/*", StringComparison.Ordinal) || Regex.IsMatch(text, @"^(with|define|template|block|include)\b"))
                throw new FormatException($"{name}: '{{{{ {text} }}}}' is outside the template subset the tests render");
            else nodes.Add(new ActionNode(text));
        }
        terminator = null;
        return nodes;
    }

    [GeneratedRegex(@"^range\s+(?<var>\$\w+)\s*:=\s*(?<pipe>.+)$")]
    private static partial Regex RangeHead();

    public string Render(IReadOnlyDictionary<string, object?> root)
    {
        var output = new StringBuilder();
        Render(_nodes, new Scope(root, root, new Dictionary<string, object?>()), output);
        return output.ToString();
    }

    private sealed record Scope(IReadOnlyDictionary<string, object?> Root, object? Dot, Dictionary<string, object?> Variables);

    private void Render(List<Node> nodes, Scope scope, StringBuilder output)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode t: output.Append(t.Text); break;
                case ActionNode a: output.Append(Text(Evaluate(a.Pipeline, scope))); break;
                case IfNode i: Render(Truthy(Evaluate(i.Condition, scope)) ? i.Then : i.Else, scope, output); break;
                case RangeNode r:
                    if (Evaluate(r.Pipeline, scope) is not IEnumerable<object?> items) throw Fail($"range over {r.Pipeline}, which is not a list");
                    foreach (var item in items)
                        Render(r.Body, scope with { Dot = item, Variables = new Dictionary<string, object?>(scope.Variables) { [r.Variable] = item } }, output);
                    break;
            }
        }
    }

    private object? Evaluate(string pipeline, Scope scope)
    {
        object? value = null;
        var first = true;
        foreach (var command in SplitPipeline(pipeline))
        {
            var words = Words(command);
            if (first && words.Count == 1 && !Functions.Contains(words[0])) value = Operand(words[0], scope);
            else
            {
                var args = words.Skip(1).Select(w => Operand(w, scope)).ToList();
                if (!first) args.Add(value);
                value = Call(words[0], args);
            }
            first = false;
        }
        return value;
    }

    private static readonly HashSet<string> Functions = ["quote", "toYaml", "nindent", "indent", "required", "default", "min", "list", "eq"];

    private object? Call(string function, List<object?> args)
    {
        object? Arg(int i) => i < args.Count ? args[i] : throw Fail($"{function} needs {i + 1} arguments");
        return function switch
        {
            "quote" => "\"" + Text(Arg(0)).Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
            "toYaml" => ChartValues.ToYaml(Arg(0)).TrimEnd('\n'),
            "nindent" => "\n" + Indent(Convert.ToInt32(Arg(0), CultureInfo.InvariantCulture), Text(Arg(1))),
            "indent" => Indent(Convert.ToInt32(Arg(0), CultureInfo.InvariantCulture), Text(Arg(1))),
            "required" => Truthy(Arg(1)) ? Arg(1) : throw new ChartRenderException(Text(Arg(0))),
            "default" => Truthy(Arg(1)) ? Arg(1) : Arg(0),
            "min" => Math.Min(Convert.ToInt64(Arg(0), CultureInfo.InvariantCulture), Convert.ToInt64(Arg(1), CultureInfo.InvariantCulture)),
            "list" => args.ToList(),
            "eq" => Text(Arg(0)) == Text(Arg(1)),
            _ => throw Fail($"function {function} is outside the subset"),
        };
    }

    private object? Operand(string word, Scope scope)
    {
        if (word.StartsWith('"')) return word[1..^1].Replace("\\\"", "\"");
        if (long.TryParse(word, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)) return number;
        if (word == ".") return scope.Dot;
        object? current;
        string path;
        if (word.StartsWith("$.", StringComparison.Ordinal)) (current, path) = (scope.Root, word[2..]);
        else if (word.StartsWith('$'))
        {
            var name = word.Split('.')[0];
            if (!scope.Variables.TryGetValue(name, out current)) throw Fail($"variable {name} is not defined");
            path = word.Length > name.Length ? word[(name.Length + 1)..] : "";
        }
        else if (word.StartsWith('.')) (current, path) = (scope.Dot, word[1..]);
        else throw Fail($"'{word}' is outside the subset");
        foreach (var key in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current is not IReadOnlyDictionary<string, object?> map || !map.TryGetValue(key, out current))
                throw Fail($"{word}: no value '{key}' (values.yaml must define every value a template uses)");
        }
        return current;
    }

    private ChartRenderException Fail(string message) => new($"{_name}: {message}");

    private static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        string s => s.Length > 0,
        System.Collections.ICollection c => c.Count > 0,
        _ => true,
    };

    private static string Text(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        string s => s,
        _ => ChartValues.ToYaml(value).TrimEnd('\n'),
    };

    private static string Indent(int spaces, string text) =>
        string.Join('\n', text.Split('\n').Select(line => new string(' ', spaces) + line));

    private static IEnumerable<string> SplitPipeline(string pipeline)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < pipeline.Length; i++)
        {
            if (pipeline[i] == '"' && (i == 0 || pipeline[i - 1] != '\\')) quoted = !quoted;
            if (pipeline[i] == '|' && !quoted)
            {
                yield return pipeline[start..i].Trim();
                start = i + 1;
            }
        }
        yield return pipeline[start..].Trim();
    }

    private static List<string> Words(string command) =>
        WordPattern().Matches(command).Select(m => m.Value).ToList();

    [GeneratedRegex(@"""(?:\\.|[^""\\])*""|\S+")]
    private static partial Regex WordPattern();
}

public sealed class ChartRenderException(string message) : Exception(message);
