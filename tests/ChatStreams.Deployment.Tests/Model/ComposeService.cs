using YamlDotNet.RepresentationModel;

namespace ChatStreams.Deployment.Tests.Model;

/// <summary>One compose service: the fields the deployment rules look at.</summary>
public sealed class ComposeService
{
    /// <summary>Label naming what a service is: a third-party server, a one-shot init job, or one of our processes.</summary>
    public const string RoleLabel = "chatstreams.role";

    public ComposeService(string name, YamlMappingNode node)
    {
        Name = name;
        Image = node.Scalar("image");
        Build = node.Child("build") switch
        {
            YamlScalarNode context => new ComposeBuild(context.Value ?? ".", "Dockerfile"),
            YamlMappingNode build => new ComposeBuild(build.Scalar("context") ?? ".", build.Scalar("dockerfile") ?? "Dockerfile"),
            _ => null,
        };
        Hostname = node.Scalar("hostname");
        Labels = node.KeyValues("labels");
        Environment = node.KeyValues("environment");
        Command = node.Strings("command");
        Ports = node.Strings("ports").Select(PortMapping.Parse).ToList();
        Volumes = ReadVolumes(node);
        DependsOn = ReadDependsOn(node);
        var healthcheck = node.Mapping("healthcheck");
        HasHealthcheck = healthcheck is not null && healthcheck.Child("test") is not null && healthcheck.Scalar("disable") != "true";
        HealthcheckTest = healthcheck?.Strings("test") ?? [];
        Restart = node.Scalar("restart");
    }

    public string Name { get; }

    public string? Image { get; }

    public ComposeBuild? Build { get; }

    public string? Hostname { get; }

    public IReadOnlyDictionary<string, string> Labels { get; }

    public string? Role => Labels.GetValueOrDefault(RoleLabel);

    public IReadOnlyDictionary<string, string> Environment { get; }

    public IReadOnlyList<string> Command { get; }

    public IReadOnlyList<PortMapping> Ports { get; }

    /// <summary>Mount sources: a named volume's name, or a host path.</summary>
    public IReadOnlyList<string> Volumes { get; }

    /// <summary>Target service → condition (service_started for the short list form).</summary>
    public IReadOnlyDictionary<string, string> DependsOn { get; }

    public bool HasHealthcheck { get; }

    /// <summary>The healthcheck's test: ["CMD", program, args...] or ["CMD-SHELL", script].</summary>
    public IReadOnlyList<string> HealthcheckTest { get; }

    public string? Restart { get; }

    /// <summary>Names other containers can reach this one by.</summary>
    public bool IsReachableAs(string host) => host == Name || host == Hostname;

    private static List<string> ReadVolumes(YamlMappingNode node)
    {
        if (node.Child("volumes") is not YamlSequenceNode list)
        {
            return [];
        }

        return list.Children.Select(entry => entry switch
        {
            YamlScalarNode scalar => (scalar.Value ?? string.Empty).Split(':')[0],
            YamlMappingNode mount => mount.Scalar("source") ?? string.Empty,
            _ => string.Empty,
        }).ToList();
    }

    private static Dictionary<string, string> ReadDependsOn(YamlMappingNode node)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (node.Child("depends_on"))
        {
            case YamlSequenceNode list:
                foreach (var target in list.Children.OfType<YamlScalarNode>())
                {
                    result[target.Value!] = "service_started";
                }

                break;
            case YamlMappingNode map:
                foreach (var (target, settings) in map.Children)
                {
                    result[((YamlScalarNode)target).Value!] =
                        (settings as YamlMappingNode)?.Scalar("condition") ?? "service_started";
                }

                break;
        }

        return result;
    }
}

public sealed record ComposeBuild(string Context, string Dockerfile);
