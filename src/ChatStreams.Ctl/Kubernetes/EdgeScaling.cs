using ChatStreams.Contracts;
using ChatStreams.Ctl.Cluster;
using ChatStreams.Kafka;

namespace ChatStreams.Ctl.Kubernetes;

public sealed record EdgeScaleResult(int From, int To, IReadOnlyList<string> TopicsCreated, IReadOnlyList<string> Drained, bool Waited);

/// <summary>
/// `chatctl scale-edges N`. Up: the new edges' delivery topics are created first (the fan-out may route to an edge as
/// soon as one of its sessions exists), then the StatefulSet is patched and chatctl waits for N ready pods. Down:
/// Kubernetes removes the highest ordinals; each gets SIGTERM and drains itself (unhealthy first so the gateway stops
/// routing to it, then every client is told to reconnect and resumes on another edge from its last seq), and chatctl
/// waits until those pods are gone. Their delivery topics stay (retention bounds them; a later scale-up reuses them).
/// </summary>
public sealed class EdgeScaling(EdgeStatefulSet edges, KafkaCluster cluster, TopicSettings topics, Action<string> progress)
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public async Task<EdgeScaleResult> ScaleAsync(int replicas, TimeSpan? wait, CancellationToken ct)
    {
        if (replicas < 1) throw new ClusterException($"scale-edges {replicas}: at least one edge must stay (clients need somewhere to connect).");
        var (current, _) = await edges.ReadAsync(ct);
        var created = new List<string>();
        if (replicas > current)
        {
            var specs = Enumerable.Range(current, replicas - current).Select(i => topics.DeliverySpec(edges.EdgeId(i))).ToList();
            var existing = cluster.Topics();
            var missing = specs.Where(s => !existing.ContainsKey(s.Name)).ToList();
            await TopicProvisioner.CreateAsync(cluster.Admin, missing);
            created.AddRange(missing.Select(s => s.Name));
            progress($"delivery topics ready: {string.Join(", ", specs.Select(s => s.Name))}{(missing.Count > 0 ? $" ({missing.Count} created)" : "")}");
        }
        var drained = Enumerable.Range(replicas, Math.Max(0, current - replicas)).Select(edges.EdgeId).ToList();
        if (replicas != current)
        {
            await edges.ScaleAsync(replicas, ct);
            progress($"StatefulSet {edges.Namespace}/{edges.Name}: {current} -> {replicas} replicas");
        }
        if (wait is not { } timeout || replicas == current) return new EdgeScaleResult(current, replicas, created, drained, false);

        var deadline = DateTime.UtcNow + timeout;
        if (replicas > current)
        {
            while (true)
            {
                var (_, ready) = await edges.ReadAsync(ct);
                if (ready >= replicas) break;
                if (DateTime.UtcNow > deadline) throw new ClusterException($"{ready} of {replicas} edges are ready after {timeout.TotalSeconds:0} s; check `kubectl describe statefulset {edges.Name}` (its readiness probe is /readyz).");
                await Task.Delay(PollInterval, ct);
            }
            progress($"{replicas} edges ready");
        }
        else
        {
            for (var i = replicas; i < current; i++)
            {
                progress($"waiting for {edges.EdgeId(i)} to drain and stop");
                while (await edges.PodExistsAsync(i, ct))
                {
                    if (DateTime.UtcNow > deadline) throw new ClusterException($"{edges.EdgeId(i)} still exists after {timeout.TotalSeconds:0} s; its drain (Edge__DrainNotice + Edge__DrainTimeout) may exceed terminationGracePeriodSeconds.");
                    await Task.Delay(PollInterval, ct);
                }
            }
            progress($"drained and stopped: {string.Join(", ", drained)}");
        }
        return new EdgeScaleResult(current, replicas, created, drained, true);
    }
}
