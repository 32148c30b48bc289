using YamlDotNet.RepresentationModel;
using static ChatStreams.Deployment.Tests.Chart.RenderedChart;

namespace ChatStreams.Deployment.Tests.Chart;

/// <summary>
/// charts/chatstreams renders (a test-side renderer of the template subset it uses: no helm here), kubectl accepts the
/// manifests, and they fit together: selectors match pod labels, services and probes name real ports and the
/// processes' real endpoints, the HPA stops at the partition count, settings use the names the processes read.
/// </summary>
public sealed class ChartTests
{
    private static readonly (string, string)[] Required = [("secrets.signingKey", "c2lnbmluZy1rZXktb2YtYXQtbGVhc3QtMzItYnl0ZXMtbG9uZw==")];

    private static IEnumerable<YamlMappingNode> Workloads(RenderedChart chart) => chart.Manifests.Where(m => Kind(m) is "Deployment" or "StatefulSet");

    private static IEnumerable<YamlMappingNode> Containers(YamlMappingNode workload) =>
        List(workload, "spec", "template", "spec", "containers").OfType<YamlMappingNode>();

    [Fact]
    public void The_chart_renders_and_kubectl_builds_it()
    {
        var chart = Render([.. Required, ("gateway.ingress.enabled", "true"), ("gateway.ingress.tlsSecret", "chat-tls")]);
        Assert.All(chart.Manifests, m =>
        {
            Assert.False(string.IsNullOrEmpty(Str(m, "apiVersion")), $"{Kind(m)} {Name(m)} has no apiVersion");
            Assert.StartsWith(ReleaseName + "-", Name(m));
            Assert.Equal(Namespace, Str(m, "metadata", "namespace"));
        });
        string[] expected =
        [
            "ConfigMap/chat-config", "Secret/chat-secrets", "Deployment/chat-gateway", "Service/chat-gateway", "Ingress/chat-gateway",
            "PodDisruptionBudget/chat-gateway", "StatefulSet/chat-edge", "Service/chat-edge", "PodDisruptionBudget/chat-edge",
            "Deployment/chat-processors", "HorizontalPodAutoscaler/chat-processors", "PodDisruptionBudget/chat-processors",
            "Deployment/chat-sink-history", "Deployment/chat-sink-search", "Deployment/chat-sink-analytics", "Deployment/chat-sink-notifications",
            "ServiceAccount/chat-gateway", "Role/chat-gateway", "RoleBinding/chat-gateway",
        ];
        Assert.Equal(expected.Order(), chart.Manifests.Select(m => $"{Kind(m)}/{Name(m)}").Order());

        var (exit, output) = chart.Kustomize();
        Assert.True(exit == 0, output);
        Assert.Contains("kind: HorizontalPodAutoscaler", output);
    }

    [Fact]
    public void A_missing_signing_key_stops_the_render_with_what_to_set()
    {
        var error = Assert.Throws<ChartRenderException>(() => Render());
        Assert.Contains("set secrets.signingKey", error.Message);
        Assert.Empty(Render(Required).OfKind("Ingress")); // off by default
    }

    [Fact]
    public void Selectors_services_and_disruption_budgets_match_the_pods_they_mean()
    {
        var chart = Render(Required);
        foreach (var workload in Workloads(chart))
        {
            var labels = Map(workload, "spec", "template", "metadata", "labels");
            Assert.All(Map(workload, "spec", "selector", "matchLabels"), kv => Assert.Equal(kv.Value, labels.GetValueOrDefault(kv.Key)));
            Assert.True(Containers(workload).Any(), $"{Name(workload)} has no containers");
            Assert.All(Containers(workload), c => Assert.Equal("chatstreams:0.1.0", Str(c, "image")));
        }
        foreach (var selecting in chart.OfKind("Service").Concat(chart.OfKind("PodDisruptionBudget")))
        {
            var selector = Kind(selecting) == "Service" ? Map(selecting, "spec", "selector") : Map(selecting, "spec", "selector", "matchLabels");
            var pods = Workloads(chart).Where(w => selector.All(kv => Map(w, "spec", "template", "metadata", "labels").GetValueOrDefault(kv.Key) == kv.Value)).ToList();
            Assert.True(pods.Count == 1, $"{Kind(selecting)} {Name(selecting)} selects {pods.Count} workloads");
            if (Kind(selecting) != "Service") continue;
            var ports = Containers(pods[0]).SelectMany(c => List(c, "ports")).Select(p => Str(p, "name")).ToHashSet();
            Assert.All(List(selecting, "spec", "ports"), p => Assert.Contains(Str(p, "targetPort"), ports));
        }
        var edges = chart.Single("StatefulSet", "chat-edge");
        Assert.Equal("None", Str(chart.Single("Service", Str(edges, "spec", "serviceName")), "spec", "clusterIP"));
        var config = Map(chart.Single("ConfigMap", "chat-config"), "data");
        Assert.Equal("chat-edge", config["Gateway__Kubernetes__Service"]); // the gateway watches the edges' service
        Assert.Equal("chat-edge", config["Kubernetes__EdgeStatefulSet"]); // what chatctl scale-edges patches
        Assert.Contains(List(chart.Single("Role", "chat-gateway"), "rules"), r => List(r, "resources").Any(x => ((YamlScalarNode)x).Value == "endpointslices"));
    }

    [Fact]
    public void Probes_point_at_the_endpoints_and_ports_every_process_serves()
    {
        var chart = Render(Required);
        foreach (var workload in Workloads(chart))
            foreach (var container in Containers(workload))
            {
                var ports = List(container, "ports").ToDictionary(p => Str(p, "name"), p => Str(p, "containerPort"));
                var isEdge = Name(workload) == "chat-edge";
                foreach (var probe in new[] { "livenessProbe", "readinessProbe" })
                {
                    var path = Str(container, probe, "httpGet", "path");
                    Assert.Equal(probe == "readinessProbe" ? "/readyz" : "/healthz", path);
                    var port = Str(container, probe, "httpGet", "port");
                    Assert.True(ports.ContainsKey(port), $"{Name(workload)} {probe} names port {port}, which the container does not have");
                    // Edges serve them on their HTTP port; every other process on its operations port (Observability__Port).
                    Assert.Equal(isEdge ? "http" : "ops", port);
                }
                var env = List(container, "env").ToDictionary(e => Str(e, "name"), e => e);
                if (!isEdge) Assert.Equal(ports["ops"], Str(env["Observability__Port"], "value"));
                var annotations = Map(workload, "spec", "template", "metadata", "annotations");
                Assert.Equal("/metrics", annotations["prometheus.io/path"]);
                Assert.Equal(ports[isEdge ? "http" : "ops"], annotations["prometheus.io/port"]);
                Assert.NotEmpty(Map(container, "resources", "requests"));
                Assert.Equal(["chat-config"], List(container, "envFrom").Select(e => Str(e, "configMapRef", "name")).Where(n => n.Length > 0));
                Assert.Equal(["chat-secrets"], List(container, "envFrom").Select(e => Str(e, "secretRef", "name")).Where(n => n.Length > 0));
            }
        var edge = Containers(chart.Single("StatefulSet", "chat-edge")).Single();
        var id = List(edge, "env").Single(e => Str(e, "name") == "Edge__Id");
        Assert.Equal("metadata.name", Str(id, "valueFrom", "fieldRef", "fieldPath")); // pod name = edge id = delivery topic
        // A drain (Edge__DrainNotice 2 s + Edge__DrainTimeout 10 s) fits in the grace period and under the liveness threshold.
        Assert.True(int.Parse(Str(chart.Single("StatefulSet", "chat-edge"), "spec", "template", "spec", "terminationGracePeriodSeconds")) >= 12 + 5);
        Assert.True(int.Parse(Str(edge, "livenessProbe", "periodSeconds")) * int.Parse(Str(edge, "livenessProbe", "failureThreshold")) > 12);
        Assert.Equal(["gateway", "topology all", "sink history", "sink search", "sink analytics", "notifications", "edge"],
            Workloads(chart).OrderBy(w => Array.IndexOf(["chat-gateway", "chat-processors", "chat-sink-history", "chat-sink-search", "chat-sink-analytics", "chat-sink-notifications", "chat-edge"], Name(w)))
                .Select(w => string.Join(' ', List(Containers(w).Single(), "args").Select(a => ((YamlScalarNode)a).Value).TakeWhile(a => !a!.StartsWith("--")))));
    }

    [Fact]
    public void The_processors_autoscaler_never_goes_past_the_partition_count()
    {
        foreach (var (max, partitions, expected) in new[] { ("12", "12", 12), ("50", "12", 12), ("6", "24", 6) })
        {
            var chart = Render([.. Required, ("processors.maxReplicas", max), ("topics.partitions", partitions)]);
            var hpa = chart.Single("HorizontalPodAutoscaler", "chat-processors");
            Assert.Equal(expected, int.Parse(Str(hpa, "spec", "maxReplicas")));
            Assert.Equal("Deployment", Str(hpa, "spec", "scaleTargetRef", "kind"));
            Assert.Equal("chat-processors", Str(hpa, "spec", "scaleTargetRef", "name"));
            var config = Map(chart.Single("ConfigMap", "chat-config"), "data");
            Assert.All(new[] { "Commands", "Events", "Receipts" }, t => Assert.Equal(partitions, config[$"Topics__{t}__Partitions"]));
        }
    }

    [Fact]
    public void Every_topic_s_partition_count_is_set_by_the_chart_not_left_to_the_one_machine_default()
    {
        var config = Map(Render(Required).Single("ConfigMap", "chat-config"), "data");
        Assert.All(new[] { "Commands", "Events", "Receipts", "Sessions", "Presence", "Notifications", "Delivery" },
            t => Assert.Equal("12", config[$"Topics__{t}__Partitions"]));

        var chosen = Map(Render([.. Required, ("topics.userPartitions", "6"), ("topics.deliveryPartitions", "2")]).Single("ConfigMap", "chat-config"), "data");
        Assert.All(new[] { "Sessions", "Presence", "Notifications" }, t => Assert.Equal("6", chosen[$"Topics__{t}__Partitions"]));
        Assert.Equal("2", chosen["Topics__Delivery__Partitions"]);
    }

    [Fact]
    public void Settings_use_the_names_the_processes_read_as_compose_does()
    {
        var chart = Render(Required);
        var keys = Map(chart.Single("ConfigMap", "chat-config"), "data").Keys
            .Concat(Map(chart.Single("Secret", "chat-secrets"), "stringData").Keys).ToHashSet();
        // Every setting compose gives the processes for the real servers (ProcessConfigurationTests checks those against the processes).
        var compose = DeploymentFiles.Compose.WithRole(ServiceRoles.Process).SelectMany(p => p.Environment.Keys)
            .Where(k => !k.StartsWith("Gateway__Edges__", StringComparison.Ordinal) && k != "Edge__Id").ToHashSet();
        Assert.Empty(compose.Except(keys));
        Assert.All(keys, k => Assert.Matches(@"^[A-Z][A-Za-z0-9]*(__[A-Za-z0-9.]+)+$", k));
    }
}
