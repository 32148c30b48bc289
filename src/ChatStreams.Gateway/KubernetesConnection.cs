using k8s;
using k8s.Exceptions;
using Microsoft.Extensions.Options;

namespace ChatStreams.Gateway;

/// <summary>How the gateway reaches the Kubernetes API server: a kubeconfig file when one is named, else the pod's service account.</summary>
public static class KubernetesConnection
{
    /// <exception cref="OptionsValidationException">Neither a usable kubeconfig nor an in-cluster service account is available.</exception>
    public static KubernetesClientConfiguration Configure(KubernetesDiscoveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            if (!string.IsNullOrWhiteSpace(options.KubeConfigPath))
                return KubernetesClientConfiguration.BuildConfigFromConfigFile(options.KubeConfigPath);
            if (KubernetesClientConfiguration.IsInCluster())
                return KubernetesClientConfiguration.InClusterConfig();
        }
        catch (KubeConfigException ex)
        {
            throw Invalid($"Gateway:Kubernetes could not load the Kubernetes credentials: {ex.Message}. Check Gateway__Kubernetes__KubeConfigPath or the pod's service account.");
        }
        throw Invalid("Gateway__Kubernetes__Enabled is true but the gateway is not running in a Kubernetes pod; " +
                      "set Gateway__Kubernetes__KubeConfigPath to a kubeconfig file, or list the edges with Gateway__Edges__0=http://<host>:<port>.");
    }

    private static OptionsValidationException Invalid(string message) =>
        new(GatewayOptions.Section, typeof(GatewayOptions), [message]);
}
