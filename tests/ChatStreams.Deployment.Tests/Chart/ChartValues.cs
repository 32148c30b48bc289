using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace ChatStreams.Deployment.Tests.Chart;

/// <summary>values.yaml as Helm sees it: maps, lists, and scalars typed like YAML 1.1 plain scalars (bool, integer, string).</summary>
public static partial class ChartValues
{
    public static Dictionary<string, object?> Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(path)) stream.Load(reader);
        return (Dictionary<string, object?>)Convert(stream.Documents[0].RootNode)!;
    }

    /// <summary>Sets a value by dotted path (what `helm --set a.b=c` does), typed like a plain scalar.</summary>
    public static void Set(Dictionary<string, object?> values, string path, string value)
    {
        var keys = path.Split('.');
        var map = values;
        foreach (var key in keys[..^1]) map = (Dictionary<string, object?>)map[key]!;
        map[keys[^1]] = Scalar(value, plain: true);
    }

    private static object? Convert(YamlNode node) => node switch
    {
        YamlMappingNode m => m.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => Convert(kv.Value)),
        YamlSequenceNode s => s.Children.Select(Convert).ToList(),
        YamlScalarNode s => Scalar(s.Value ?? "", s.Style is YamlDotNet.Core.ScalarStyle.Plain),
        _ => throw new FormatException($"unsupported YAML node {node.NodeType}"),
    };

    [GeneratedRegex(@"^-?\d+$")]
    private static partial Regex Integer();

    private static object? Scalar(string value, bool plain)
    {
        if (!plain) return value;
        if (value is "true" or "false") return value == "true";
        if (value is "" or "null" or "~") return null;
        if (Integer().IsMatch(value)) return long.Parse(value, CultureInfo.InvariantCulture);
        return value;
    }

    private static readonly ISerializer Serializer = new SerializerBuilder().Build();

    public static string ToYaml(object? value) => Serializer.Serialize(value);
}
