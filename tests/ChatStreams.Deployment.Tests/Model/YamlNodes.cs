using YamlDotNet.RepresentationModel;

namespace ChatStreams.Deployment.Tests.Model;

/// <summary>Small readers over YamlDotNet's representation model, returning null where a key is absent.</summary>
internal static class YamlNodes
{
    public static YamlNode? Child(this YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static string? Scalar(this YamlMappingNode mapping, string key) =>
        mapping.Child(key) is YamlScalarNode scalar ? scalar.Value : null;

    public static YamlMappingNode? Mapping(this YamlMappingNode mapping, string key) =>
        mapping.Child(key) as YamlMappingNode;

    /// <summary>Key/value pairs of a mapping, or of a list of "KEY=VALUE" strings (both are valid in compose).</summary>
    public static IReadOnlyDictionary<string, string> KeyValues(this YamlMappingNode mapping, string key)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (mapping.Child(key))
        {
            case YamlMappingNode map:
                foreach (var (name, value) in map.Children)
                {
                    result[((YamlScalarNode)name).Value!] = (value as YamlScalarNode)?.Value ?? string.Empty;
                }

                break;
            case YamlSequenceNode list:
                foreach (var item in list.Children.OfType<YamlScalarNode>())
                {
                    var text = item.Value ?? string.Empty;
                    var equals = text.IndexOf('=');
                    result[equals < 0 ? text : text[..equals]] = equals < 0 ? string.Empty : text[(equals + 1)..];
                }

                break;
        }

        return result;
    }

    /// <summary>The scalars of a list, or the single scalar (compose accepts both for command, ports, volumes).</summary>
    public static IReadOnlyList<string> Strings(this YamlMappingNode mapping, string key) =>
        mapping.Child(key) switch
        {
            YamlSequenceNode list => list.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty).ToList(),
            YamlScalarNode scalar => [scalar.Value ?? string.Empty],
            _ => [],
        };
}
