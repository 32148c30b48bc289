namespace ChatStreams.Gateway;

/// <summary>Where to find edges in Kubernetes (configuration section "Gateway:Kubernetes").</summary>
public sealed class KubernetesDiscoveryOptions
{
    /// <summary>The file Kubernetes mounts into every pod with the pod's namespace.</summary>
    public const string ServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    public bool Enabled { get; set; }

    /// <summary>Namespace of the edge service; empty means the gateway pod's own namespace, else "default".</summary>
    public string? Namespace { get; set; }

    /// <summary>Service whose EndpointSlices (label kubernetes.io/service-name=&lt;Service&gt;) list the edges.</summary>
    public string Service { get; set; } = "chatstreams-edge";

    /// <summary>Name of the service port that serves HTTP and WebSockets.</summary>
    public string PortName { get; set; } = "http";

    /// <summary>Scheme used to reach the edges.</summary>
    public string Scheme { get; set; } = "http";

    /// <summary>A kubeconfig file; empty means the in-cluster service account.</summary>
    public string? KubeConfigPath { get; set; }

    /// <summary>
    /// Longest time a watch runs before the slices are listed afresh, and the pause before relisting after a
    /// watch failed. Relisting repairs any event a broken watch lost.
    /// </summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The namespace to watch: <see cref="Namespace"/>, else the pod's namespace, else "default".</summary>
    public string ResolveNamespace()
    {
        if (!string.IsNullOrWhiteSpace(Namespace)) return Namespace.Trim();
        try
        {
            if (File.Exists(ServiceAccountNamespaceFile))
            {
                var podNamespace = File.ReadAllText(ServiceAccountNamespaceFile).Trim();
                if (podNamespace.Length > 0) return podNamespace;
            }
        }
        catch (IOException)
        {
            // An unreadable mount is treated like no mount: fall back to "default".
        }
        catch (UnauthorizedAccessException)
        {
        }
        return "default";
    }

    /// <summary>What is wrong with these options; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Service))
            errors.Add("Gateway:Kubernetes:Service is empty; set it to the edge service's name, e.g. chatstreams-edge.");
        if (!string.Equals(Scheme, "http", StringComparison.OrdinalIgnoreCase) && !string.Equals(Scheme, "https", StringComparison.OrdinalIgnoreCase))
            errors.Add($"Gateway:Kubernetes:Scheme '{Scheme}' is not supported; use http or https.");
        if (ResyncInterval <= TimeSpan.Zero)
            errors.Add($"Gateway:Kubernetes:ResyncInterval is {ResyncInterval}; it must be positive, e.g. 00:00:30.");
        if (!string.IsNullOrWhiteSpace(KubeConfigPath) && !File.Exists(KubeConfigPath))
            errors.Add($"Gateway:Kubernetes:KubeConfigPath '{KubeConfigPath}' does not exist; point it at a kubeconfig file or leave it empty inside a pod.");
        return errors;
    }
}
