namespace ChatStreams.Ctl.Kubernetes;

/// <summary>How chatctl reaches the cluster's API server (section "Kubernetes"; env Kubernetes__Namespace, ...).</summary>
public sealed class KubernetesOptions
{
    public const string Section = "Kubernetes";

    /// <summary>A kubeconfig file; default: in-cluster credentials inside a pod, else $KUBECONFIG or ~/.kube/config.</summary>
    public string? KubeConfig { get; set; }

    /// <summary>Namespace of the release; default: the kubeconfig context's namespace, else "default".</summary>
    public string? Namespace { get; set; }

    /// <summary>The edges' StatefulSet, as the Helm chart names it (&lt;release&gt;-edge). Its pod names are the edge ids.</summary>
    public string EdgeStatefulSet { get; set; } = "chatstreams-edge";
}
