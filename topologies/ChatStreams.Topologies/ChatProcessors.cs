using ChatStreams.Contracts;
using ChatStreams.Streams;
using ChatStreams.Streams.Runtime;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Topologies;

/// <summary>
/// Runs a set of the chat's streams applications in this process, each as its own <see cref="KafkaStreams"/>
/// instance (own application id, consumer group and transactional producers) sharing the Kafka settings and the
/// state directory of <paramref name="streams"/>. Used by <c>chatstreams topology</c>, the tests and the benchmarks.
/// </summary>
public sealed class ChatProcessors : IAsyncDisposable
{
    private readonly List<(ChatApplication Application, KafkaStreams Streams)> _running = [];
    private readonly ILogger _logger;

    private ChatProcessors(ILogger logger) => _logger = logger;

    public IReadOnlyList<(ChatApplication Application, KafkaStreams Streams)> Running => _running;

    /// <summary>Fires when any application stops for good (state Error): the process should exit and be restarted.</summary>
    public event EventHandler<(ChatApplication Application, Exception? Error)>? Failed;

    public static async Task<ChatProcessors> StartAsync(IReadOnlyList<ChatApplication> applications, StreamsConfig streams,
        ContractSerdes serdes, TopologyOptions options, TopicSettings topics, ILoggerFactory loggers, TimeProvider? time = null, CancellationToken ct = default)
    {
        if (options.Validate() is { Count: > 0 } problems)
            throw new InvalidOperationException("invalid Topologies configuration: " + string.Join(" ", problems));
        var processors = new ChatProcessors(loggers.CreateLogger<ChatProcessors>());
        try
        {
            foreach (var application in applications)
            {
                var config = streams.ForApplication(application.ApplicationId);
                var topology = application.Build(serdes, options, topics, loggers);
                var instance = new KafkaStreams(topology, config, loggers, time);
                instance.StateChanged += (_, change) =>
                {
                    if (change.NewState == KafkaStreamsState.Error) processors.Failed?.Invoke(processors, (application, instance.FatalError));
                };
                processors._running.Add((application, instance));
                await instance.StartAsync(ct);
                processors._logger.LogInformation("topology {Name} started (application {ApplicationId})", application.Name, application.ApplicationId);
            }
            return processors;
        }
        catch
        {
            await processors.DisposeAsync();
            throw;
        }
    }

    /// <summary>True when every application is Running (all tasks assigned and restored).</summary>
    public bool AllRunning => _running.All(r => r.Streams.State == KafkaStreamsState.Running);

    public async ValueTask DisposeAsync()
    {
        // Close in reverse start order, all at once: each leaves its group and commits.
        await Task.WhenAll(_running.AsEnumerable().Reverse().Select(r => r.Streams.CloseAsync(TimeSpan.FromSeconds(30))));
        _running.Clear();
    }
}
