using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace ChatStreams.Ctl.Kubernetes;

/// <summary>
/// The edges' StatefulSet through the Kubernetes API: its replica count, patching it (the scale subresource, as
/// `kubectl scale` does) and waiting for its pods. Pod names are &lt;statefulset&gt;-&lt;ordinal&gt; and are the edge ids
/// (the chart sets Edge__Id from metadata.name), so the edges a replica count means are known before they start.
/// </summary>
public sealed class EdgeStatefulSet : IDisposable
{
    private readonly IKubernetes _client;

    public EdgeStatefulSet(KubernetesOptions options)
    {
        var config = options.KubeConfig is { Length: > 0 } file ? KubernetesClientConfiguration.BuildConfigFromConfigFile(file)
            : KubernetesClientConfiguration.IsInCluster() ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile();
        Namespace = options.Namespace is { Length: > 0 } ns ? ns : config.Namespace ?? "default";
        Name = options.EdgeStatefulSet;
        Server = config.Host;
        _client = new k8s.Kubernetes(config);
    }

    public string Namespace { get; }
    public string Name { get; }
    public string Server { get; }

    /// <summary>The edge id of the pod with this ordinal.</summary>
    public string EdgeId(int ordinal) => $"{Name}-{ordinal}";

    public async Task<(int Replicas, int Ready)> ReadAsync(CancellationToken ct)
    {
        try
        {
            var set = await _client.AppsV1.ReadNamespacedStatefulSetAsync(Name, Namespace, cancellationToken: ct);
            return (set.Spec.Replicas ?? 1, set.Status?.ReadyReplicas ?? 0);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new Cluster.ClusterException($"StatefulSet {Name} not found in namespace {Namespace} at {Server}: set Kubernetes__EdgeStatefulSet " +
                "(the chart names it <release>-edge) and Kubernetes__Namespace.", e);
        }
    }

    public Task ScaleAsync(int replicas, CancellationToken ct) =>
        _client.AppsV1.PatchNamespacedStatefulSetScaleAsync(new V1Patch($"{{\"spec\":{{\"replicas\":{replicas}}}}}", V1Patch.PatchType.MergePatch),
            Name, Namespace, cancellationToken: ct);

    /// <summary>True while the pod exists (a terminating pod still exists: its edge is draining).</summary>
    public async Task<bool> PodExistsAsync(int ordinal, CancellationToken ct)
    {
        try
        {
            await _client.CoreV1.ReadNamespacedPodAsync(EdgeId(ordinal), Namespace, cancellationToken: ct);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public void Dispose() => _client.Dispose();
}
