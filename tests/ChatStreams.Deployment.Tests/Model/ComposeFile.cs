using YamlDotNet.RepresentationModel;

namespace ChatStreams.Deployment.Tests.Model;

/// <summary>A compose file as the tests see it: services and named volumes, with YAML anchors and merge keys resolved.</summary>
public sealed class ComposeFile
{
    private ComposeFile(string path, IReadOnlyDictionary<string, ComposeService> services, IReadOnlySet<string> volumes)
    {
        FilePath = path;
        Services = services;
        NamedVolumes = volumes;
    }

    public string FilePath { get; }

    public IReadOnlyDictionary<string, ComposeService> Services { get; }

    public IReadOnlySet<string> NamedVolumes { get; }

    public IEnumerable<ComposeService> WithRole(string role) => Services.Values.Where(s => s.Role == role);

    public static ComposeFile Load(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InvalidDataException($"{path} must hold exactly one YAML document with a mapping at its root.");
        }

        YamlMergeKeys.Resolve(root);

        var services = root.Mapping("services")
            ?? throw new InvalidDataException($"{path} has no `services` mapping.");
        var parsed = services.Children.ToDictionary(
            pair => ((YamlScalarNode)pair.Key).Value!,
            pair => new ComposeService(((YamlScalarNode)pair.Key).Value!, (YamlMappingNode)pair.Value),
            StringComparer.Ordinal);
        var volumes = root.Mapping("volumes")?.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet(StringComparer.Ordinal)
            ?? [];
        return new ComposeFile(path, parsed, volumes);
    }
}
