namespace ChatStreams.Deployment.Tests.Model;

/// <summary>A published port in compose's short syntax: [ip:]hostPort:containerPort[/protocol].</summary>
public sealed record PortMapping(int? HostPort, int ContainerPort)
{
    public static PortMapping Parse(string text)
    {
        var withoutProtocol = text.Split('/')[0];
        var parts = withoutProtocol.Split(':');
        var container = int.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture);
        int? host = parts.Length >= 2 ? int.Parse(parts[^2], System.Globalization.CultureInfo.InvariantCulture) : null;
        return new PortMapping(host, container);
    }
}
