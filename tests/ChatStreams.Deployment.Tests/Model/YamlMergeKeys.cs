using YamlDotNet.RepresentationModel;

namespace ChatStreams.Deployment.Tests.Model;

/// <summary>
/// Resolves YAML merge keys (<c>&lt;&lt;: *anchor</c>) the way compose does: keys written in the mapping win,
/// then the merged mappings in order. YamlDotNet's MergingParser instead repeats keys, which its
/// representation model rejects as duplicates, so the merge happens here on the loaded tree.
/// </summary>
internal static class YamlMergeKeys
{
    private static readonly YamlScalarNode MergeKey = new("<<");

    public static void Resolve(YamlNode node) => Resolve(node, new HashSet<YamlNode>(ReferenceEqualityComparer.Instance));

    private static void Resolve(YamlNode node, HashSet<YamlNode> resolved)
    {
        if (!resolved.Add(node))
        {
            return; // an anchored node reached again through an alias is already resolved
        }

        switch (node)
        {
            case YamlMappingNode mapping:
                if (mapping.Children.Remove(MergeKey, out var merged))
                {
                    var sources = merged switch
                    {
                        YamlMappingNode single => [single],
                        YamlSequenceNode list => list.Children.Cast<YamlMappingNode>().ToList(),
                        _ => throw new InvalidDataException($"A merge key at {merged.Start} must name a mapping or a list of mappings."),
                    };
                    foreach (var source in sources)
                    {
                        Resolve(source, resolved);
                        foreach (var (key, value) in source.Children)
                        {
                            mapping.Children.TryAdd(key, value);
                        }
                    }
                }

                foreach (var child in mapping.Children.Values.ToList())
                {
                    Resolve(child, resolved);
                }

                break;
            case YamlSequenceNode sequence:
                foreach (var child in sequence.Children)
                {
                    Resolve(child, resolved);
                }

                break;
        }
    }
}
