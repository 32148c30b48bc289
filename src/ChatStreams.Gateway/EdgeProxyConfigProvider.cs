using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace ChatStreams.Gateway;

/// <summary>
/// Feeds YARP the edge cluster: the edges from configuration plus whatever discovery last reported. Each change
/// publishes a whole new snapshot; YARP keeps the health state of destinations whose id stays the same.
/// </summary>
public sealed class EdgeProxyConfigProvider : IProxyConfigProvider
{
    private readonly GatewayOptions _options;
    private readonly ILogger<EdgeProxyConfigProvider> _logger;
    private readonly IReadOnlyList<EdgeDestination> _configuredEdges;
    private readonly Lock _gate = new();
    private IReadOnlyList<EdgeDestination> _discoveredEdges = [];
    private Snapshot _current;

    public EdgeProxyConfigProvider(GatewayOptions options, ILogger<EdgeProxyConfigProvider> logger)
    {
        _options = options;
        _logger = logger;
        _configuredEdges = options.Edges
            .Select(edge => EdgeAddress.TryNormalize(edge, out var address) ? address : throw new ArgumentException($"Edge '{edge}' is not an absolute http(s) URL.", nameof(options)))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(address => new EdgeDestination(address, address))
            .ToList();
        _current = new Snapshot(_configuredEdges, options);
        foreach (var edge in _configuredEdges)
            _logger.LogInformation("Edge {Address} added from configuration", edge.Address);
    }

    /// <summary>The edges YARP currently routes to, configured ones first.</summary>
    public IReadOnlyList<EdgeDestination> CurrentEdges
    {
        get { lock (_gate) return _current.Edges; }
    }

    public IProxyConfig GetConfig()
    {
        lock (_gate) return _current;
    }

    /// <summary>
    /// Replaces the discovered edges. A discovered edge with the id or address of a configured one is ignored, so
    /// configuration always wins. Logs every edge added or removed; does nothing when the set is unchanged.
    /// </summary>
    public void ReplaceDiscoveredEdges(IEnumerable<EdgeDestination> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        Snapshot previous;
        lock (_gate)
        {
            var taken = new HashSet<string>(_configuredEdges.SelectMany(e => new[] { e.Id, e.Address }), StringComparer.OrdinalIgnoreCase);
            var discovered = new List<EdgeDestination>();
            foreach (var edge in edges.OrderBy(e => e.Id, StringComparer.Ordinal))
                if (taken.Add(edge.Id) && taken.Add(edge.Address)) discovered.Add(edge);

            if (discovered.SequenceEqual(_discoveredEdges)) return;

            LogChanges(_discoveredEdges, discovered);
            _discoveredEdges = discovered;
            previous = _current;
            _current = new Snapshot([.. _configuredEdges, .. discovered], _options);
        }
        // Signalled outside the lock: YARP calls GetConfig() from the change callback.
        previous.SignalChange();
    }

    private void LogChanges(IReadOnlyList<EdgeDestination> before, IReadOnlyList<EdgeDestination> after)
    {
        var old = before.ToDictionary(e => e.Id, e => e.Address, StringComparer.OrdinalIgnoreCase);
        var now = after.ToDictionary(e => e.Id, e => e.Address, StringComparer.OrdinalIgnoreCase);
        foreach (var (id, address) in now)
        {
            if (!old.TryGetValue(id, out var oldAddress))
                _logger.LogInformation("Edge {EdgeId} at {Address} added", id, address);
            else if (!string.Equals(oldAddress, address, StringComparison.OrdinalIgnoreCase))
                _logger.LogInformation("Edge {EdgeId} moved from {OldAddress} to {Address}", id, oldAddress, address);
        }
        foreach (var (id, address) in old)
            if (!now.ContainsKey(id))
                _logger.LogInformation("Edge {EdgeId} at {Address} removed", id, address);
    }

    private sealed class Snapshot : IProxyConfig
    {
        private readonly CancellationTokenSource _changed = new();

        public Snapshot(IReadOnlyList<EdgeDestination> edges, GatewayOptions options)
        {
            Edges = edges;
            Routes = [EdgeRouting.CreateRoute()];
            Clusters = [EdgeRouting.CreateCluster(options, edges)];
            ChangeToken = new CancellationChangeToken(_changed.Token);
        }

        public IReadOnlyList<EdgeDestination> Edges { get; }
        public IReadOnlyList<RouteConfig> Routes { get; }
        public IReadOnlyList<ClusterConfig> Clusters { get; }
        public IChangeToken ChangeToken { get; }

        public void SignalChange() => _changed.Cancel();
    }
}
