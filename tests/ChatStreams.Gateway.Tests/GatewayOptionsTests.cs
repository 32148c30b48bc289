using k8s;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ChatStreams.Gateway.Tests;

public sealed class GatewayOptionsTests
{
    [Fact]
    public void Defaults_match_the_documented_values()
    {
        var options = new GatewayOptions();

        Assert.Empty(options.Edges);
        Assert.False(options.Kubernetes.Enabled);
        Assert.Equal("chatstreams-edge", options.Kubernetes.Service);
        Assert.Equal("http", options.Kubernetes.PortName);
        Assert.Equal("http", options.Kubernetes.Scheme);
        Assert.Null(options.Kubernetes.KubeConfigPath);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Kubernetes.ResyncInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), options.HealthCheckInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), options.HealthCheckTimeout);
        Assert.Equal("/healthz", options.HealthCheckPath);
        Assert.Equal(2, options.HealthCheckFailureThreshold);
        Assert.Equal(TimeSpan.FromSeconds(10), options.PassiveReactivationPeriod);
        Assert.Null(options.WebSocketIdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ShutdownTimeout);
    }

    [Fact]
    public void Binds_edges_and_settings_from_environment_style_variables()
    {
        var prefix = $"CHATSTREAMS_GATEWAY_TEST_{Guid.NewGuid():N}_";
        var variables = new Dictionary<string, string>
        {
            ["Gateway__Edges__0"] = "http://127.0.0.1:5001",
            ["Gateway__Edges__1"] = "http://127.0.0.1:5002",
            ["Gateway__HealthCheckInterval"] = "00:00:01",
            ["Gateway__WebSocketIdleTimeout"] = "00:10:00",
            ["Gateway__Kubernetes__Enabled"] = "true",
            ["Gateway__Kubernetes__Namespace"] = "chat",
        };
        try
        {
            foreach (var (name, value) in variables) Environment.SetEnvironmentVariable(prefix + name, value);
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();

            var options = GatewayOptions.FromConfiguration(configuration);

            Assert.Equal(["http://127.0.0.1:5001", "http://127.0.0.1:5002"], options.Edges);
            Assert.Equal(TimeSpan.FromSeconds(1), options.HealthCheckInterval);
            Assert.Equal(TimeSpan.FromMinutes(10), options.WebSocketIdleTimeout);
            Assert.True(options.Kubernetes.Enabled);
            Assert.Equal("chat", options.Kubernetes.ResolveNamespace());
            Assert.Equal(TimeSpan.FromSeconds(2), options.HealthCheckTimeout);
        }
        finally
        {
            foreach (var name in variables.Keys) Environment.SetEnvironmentVariable(prefix + name, null);
        }
    }

    [Fact]
    public void Without_edges_or_discovery_the_error_says_how_to_configure_them()
    {
        var errors = new GatewayOptions().Validate();

        var error = Assert.Single(errors);
        Assert.Contains("Gateway__Edges__0=http://", error);
        Assert.Contains("Gateway__Kubernetes__Enabled=true", error);
    }

    [Theory]
    [InlineData("localhost:5001")]
    [InlineData("ftp://127.0.0.1:5001")]
    [InlineData("/relative/path")]
    [InlineData("http://127.0.0.1:5001/?q=1")]
    [InlineData("")]
    public void An_edge_that_is_not_an_absolute_http_URL_is_named_in_the_error(string edge)
    {
        var options = new GatewayOptions { Edges = ["http://127.0.0.1:5001", edge] };

        var error = Assert.Single(options.Validate());

        Assert.Equal($"Gateway:Edges:1 '{edge}' is not an absolute http(s) URL; use the edge's base URL, e.g. http://127.0.0.1:5001.", error);
    }

    [Fact]
    public void The_same_edge_listed_twice_is_an_error()
    {
        var options = new GatewayOptions { Edges = ["http://127.0.0.1:5001/", "http://127.0.0.1:5001"] };

        Assert.Equal(["Gateway:Edges:1 'http://127.0.0.1:5001' is listed more than once; list each edge once."], options.Validate());
    }

    [Fact]
    public void Nonsensical_durations_and_paths_are_reported_together()
    {
        var options = new GatewayOptions
        {
            Edges = ["http://127.0.0.1:5001"],
            HealthCheckInterval = TimeSpan.Zero,
            HealthCheckTimeout = TimeSpan.FromSeconds(-1),
            HealthCheckPath = "healthz",
            HealthCheckFailureThreshold = 0,
            Kubernetes = new KubernetesDiscoveryOptions { Enabled = true, Service = " ", Scheme = "ws", ResyncInterval = TimeSpan.Zero, KubeConfigPath = "/nonexistent/kubeconfig" },
        };

        Assert.Equal(
        [
            "Gateway:HealthCheckInterval is 00:00:00; it must be positive, e.g. 00:00:05 for five seconds.",
            "Gateway:HealthCheckTimeout is -00:00:01; it must be positive, e.g. 00:00:05 for five seconds.",
            "Gateway:HealthCheckPath 'healthz' must be a path starting with '/', e.g. /healthz.",
            "Gateway:HealthCheckFailureThreshold is 0; it must be at least 1.",
            "Gateway:Kubernetes:Service is empty; set it to the edge service's name, e.g. chatstreams-edge.",
            "Gateway:Kubernetes:Scheme 'ws' is not supported; use http or https.",
            "Gateway:Kubernetes:ResyncInterval is 00:00:00; it must be positive, e.g. 00:00:30.",
            "Gateway:Kubernetes:KubeConfigPath '/nonexistent/kubeconfig' does not exist; point it at a kubeconfig file or leave it empty inside a pod.",
        ], options.Validate());
    }

    [Fact]
    public void Build_refuses_invalid_options_with_the_validation_message()
    {
        var error = Assert.Throws<OptionsValidationException>(() => GatewayServer.Build(new GatewayOptions { Edges = ["nope"] }, ["http://127.0.0.1:0"]));

        Assert.Equal("Gateway:Edges:0 'nope' is not an absolute http(s) URL; use the edge's base URL, e.g. http://127.0.0.1:5001.", error.Message);
    }

    [Fact]
    public void Build_from_configuration_without_a_gateway_section_explains_what_is_missing()
    {
        var configuration = new ConfigurationBuilder().Build();

        var error = Assert.Throws<OptionsValidationException>(() => GatewayServer.Build(configuration, ["http://127.0.0.1:0"]));

        Assert.Contains("Gateway__Edges__0", error.Message);
    }

    [Fact]
    public void Discovery_outside_a_pod_without_a_kubeconfig_says_to_set_one()
    {
        if (KubernetesClientConfiguration.IsInCluster()) return; // Inside a pod the service account is a valid source.
        var options = new GatewayOptions { Kubernetes = { Enabled = true } };

        var error = Assert.Throws<OptionsValidationException>(() => GatewayServer.Build(options, ["http://127.0.0.1:0"]));

        Assert.Contains("not running in a Kubernetes pod", error.Message);
        Assert.Contains("Gateway__Kubernetes__KubeConfigPath", error.Message);
    }

    [Fact]
    public void Build_needs_a_listen_URL()
    {
        var error = Assert.Throws<ArgumentException>(() => GatewayServer.Build(new GatewayOptions { Edges = ["http://127.0.0.1:5001"] }, []));

        Assert.StartsWith("The gateway needs at least one URL to listen on", error.Message);
    }
}
