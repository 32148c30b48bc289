using System.Net;
using System.Net.Sockets;
using ChatStreams.Kafka.Broker.Cluster;
using ChatStreams.Kafka.Broker.Groups;
using ChatStreams.Kafka.Broker.Handlers;
using ChatStreams.Kafka.Broker.Handlers.Groups;
using ChatStreams.Kafka.Broker.Transactions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Kafka.Broker.Server;

/// <summary>
/// The embedded single-node Kafka broker: loads its topics from the data directory (recovering torn log
/// tails), then serves the Kafka protocol on a TCP port until disposed.
/// </summary>
public sealed class KafkaBroker : IAsyncDisposable
{
    private readonly BrokerOptions _options;
    private readonly ILogger _logger;
    private readonly TopicCatalog _catalog;
    private readonly GroupCoordinator _groups;
    private readonly TransactionCoordinator _transactions;
    private readonly Housekeeping _housekeeping;
    private readonly TcpListener _listener;
    private readonly RequestRouter _router;
    private readonly RequestFaults _faults;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, Task> _connections = new();
    private Task _acceptLoop = Task.CompletedTask;
    private long _connectionCounter;

    private KafkaBroker(BrokerOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        _options = options;
        _logger = loggers.CreateLogger<KafkaBroker>();
        _catalog = new TopicCatalog(options, time, loggers);
        _groups = new GroupCoordinator(_catalog, options, time, loggers);
        _transactions = new TransactionCoordinator(_catalog, _groups, options, time, loggers.CreateLogger<TransactionCoordinator>());
        _housekeeping = new Housekeeping(_catalog, _transactions, options, time, loggers.CreateLogger<Housekeeping>());
        _listener = new TcpListener(IPAddress.Parse(options.Host), options.Port);
        if (options.Faults.Validate() is { Count: > 0 } problems) throw new InvalidOperationException(string.Join("; ", problems));
        _faults = new RequestFaults(options.Faults, loggers.CreateLogger("ChatStreams.Kafka.Broker.Faults"));

        var handlers = new List<IRequestHandler>
        {
            new ApiVersionsHandler(),
            new MetadataHandler(_catalog, options, () => Port),
            new ProduceHandler(_catalog, _transactions, loggers.CreateLogger<ProduceHandler>()),
            new FetchHandler(_catalog, time),
            new ListOffsetsHandler(_catalog),
            new OffsetForLeaderEpochHandler(_catalog),
            new FindCoordinatorHandler(options, () => Port),
        };
        handlers.AddRange(AdminHandlers.Create(_catalog, options));
        handlers.AddRange(TransactionHandlers.Create(_transactions));
        handlers.AddRange(GroupHandlers.Create(_groups));
        _router = new RequestRouter(handlers, _logger, id => { lock (_connections) _connections.Remove(id); });
    }

    public int Port { get; private set; }
    public string BootstrapServers => $"{_options.AdvertisedHost ?? _options.Host}:{Port}";
    public TopicCatalog Catalog => _catalog;

    /// <summary>Request faults injected so far (all 0 unless Broker:Faults is set).</summary>
    public (long DropBefore, long DropAfter, long Delays) InjectedFaults => _faults.Injected;

    public static Task<KafkaBroker> StartAsync(BrokerOptions options, ILoggerFactory? loggers = null, TimeProvider? time = null)
    {
        var broker = new KafkaBroker(options, time ?? TimeProvider.System, loggers ?? NullLoggerFactory.Instance);
        broker.Start();
        return Task.FromResult(broker);
    }

    private void Start()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        _catalog.Load();
        _groups.Load();
        _transactions.Load();
        _listener.Start(backlog: 512);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync(_stopping.Token);
        _housekeeping.Start();
        _logger.LogInformation("broker listening on {Host}:{Port} (data {Data}, {Topics} topics, started in {Ms} ms)",
            _options.Host, Port, _catalog.DataDirectory, _catalog.Topics.Count, started.ElapsedMilliseconds);
        if (_faults.Enabled)
            _logger.LogWarning("request faults are injected (drop before {Before:P2}, drop after {After:P2}, delay {Delay:P2} by {DelayMs} ms): for fault campaigns only",
                _options.Faults.DropBeforeRate, _options.Faults.DropAfterRate, _options.Faults.DelayRate, _options.Faults.DelayMs);
    }

    private async Task AcceptLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (ct.IsCancellationRequested) return;
                _logger.LogWarning(e, "accepting a connection failed");
                continue;
            }
            socket.NoDelay = true;
            var id = $"conn-{Interlocked.Increment(ref _connectionCounter)}";
            var connection = new ClientConnection(socket, _router, _options, _faults, _logger, id);
            lock (_connections) _connections[id] = connection.RunAsync(ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        _stopping.Cancel();
        _listener.Stop();
        await _housekeeping.DisposeAsync();
        try { await _acceptLoop; } catch (OperationCanceledException) { }
        Task[] open;
        lock (_connections) open = _connections.Values.ToArray();
        await Task.WhenAll(open).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        _transactions.Dispose();
        _groups.Dispose();
        _catalog.Dispose();
        _logger.LogInformation("broker on port {Port} stopped", Port);
    }
}
