using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace ChatStreams.Deployment.Tests.Chart;

/// <summary>The chart in charts/chatstreams rendered with values.yaml plus some --set values, as parsed manifests.</summary>
public sealed class RenderedChart
{
    public const string ReleaseName = "chat";
    public const string Namespace = "chat-prod";

    public static string Folder => RepositoryRoot.File(Path.Combine("charts", "chatstreams"));

    private RenderedChart(string yaml, IReadOnlyList<YamlMappingNode> manifests, Dictionary<string, object?> values)
    {
        Yaml = yaml;
        Manifests = manifests;
        Values = values;
    }

    public string Yaml { get; }
    public IReadOnlyList<YamlMappingNode> Manifests { get; }
    public Dictionary<string, object?> Values { get; }

    public static RenderedChart Render(params (string Path, string Value)[] set)
    {
        var values = ChartValues.Load(Path.Combine(Folder, "values.yaml"));
        foreach (var (path, value) in set) ChartValues.Set(values, path, value);
        var chart = new YamlStream();
        using (var reader = File.OpenText(Path.Combine(Folder, "Chart.yaml"))) chart.Load(reader);
        var root = new Dictionary<string, object?>
        {
            ["Values"] = values,
            ["Release"] = new Dictionary<string, object?> { ["Name"] = ReleaseName, ["Namespace"] = Namespace },
            ["Chart"] = new Dictionary<string, object?> { ["Name"] = "chatstreams" },
        };
        var documents = Directory.GetFiles(Path.Combine(Folder, "templates"), "*.yaml").Order(StringComparer.Ordinal)
            .Select(file => ChartTemplate.Parse(Path.GetFileName(file), File.ReadAllText(file)).Render(root))
            .ToList();
        var yaml = string.Join("\n---\n", documents);
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var manifests = stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().Where(m => m.Children.Count > 0).ToList();
        return new RenderedChart(yaml, manifests, values);
    }

    public IEnumerable<YamlMappingNode> OfKind(string kind) => Manifests.Where(m => Kind(m) == kind);

    public YamlMappingNode Single(string kind, string name) => Manifests.Single(m => Kind(m) == kind && Name(m) == name);

    public static string Kind(YamlMappingNode m) => Str(m, "kind");
    public static string Name(YamlMappingNode m) => Str(m, "metadata", "name");

    public static YamlNode? At(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next)) return null;
            node = next;
        }
        return node;
    }

    public static string Str(YamlNode node, params string[] path) => (At(node, path) as YamlScalarNode)?.Value ?? "";

    public static Dictionary<string, string> Map(YamlNode node, params string[] path) =>
        (At(node, path) as YamlMappingNode)?.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => (kv.Value as YamlScalarNode)?.Value ?? "") ?? [];

    public static IEnumerable<YamlNode> List(YamlNode node, params string[] path) => (At(node, path) as YamlSequenceNode)?.Children ?? [];

    /// <summary>`kubectl kustomize` over the rendered manifests: kubectl's own parser, resource ids unique, names present.</summary>
    public (int Exit, string Output) Kustomize()
    {
        var folder = Path.Combine(Path.GetTempPath(), "chart-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "rendered.yaml"), Yaml);
            File.WriteAllText(Path.Combine(folder, "kustomization.yaml"), "resources:\n- rendered.yaml\n");
            var info = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add("kustomize");
            info.ArgumentList.Add(folder);
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output.Result + error);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
