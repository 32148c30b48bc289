using ChatStreams.Contracts;
using ChatStreams.Kafka.Generations;
using ChatStreams.Streams.Generations;
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
    private readonly List<IAsyncDisposable> _generational = [];
    private readonly ILogger _logger;

    private ChatProcessors(ILogger logger) => _logger = logger;

    /// <summary>Every instance started so far (a rescalable application has one per running generation).</summary>
    public IReadOnlyList<(ChatApplication Application, KafkaStreams Streams)> Running
    {
        get { lock (_running) return _running.ToList(); }
    }

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
                if (application.RescalableInput is { } input)
                {
                    await processors.StartGenerationalAsync(application, input, streams, serdes, options, topics, loggers, time, ct);
                    continue;
                }
                var config = streams.ForApplication(application.ApplicationId);
                var topology = application.Build(serdes, options, topics, loggers, TopologyGeneration.First);
                var instance = processors.Track(application, new KafkaStreams(topology, config, loggers, time));
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

    /// <summary>
    /// Runs a rescalable application (the conversation topology reading chat.commands; the fan-out and presence reading
    /// chat.events) as one instance per running generation of its input, following the generation record in the
    /// control topic (docs/operations.md). The record also says which generation of chat.events each conversation
    /// instance writes.
    /// </summary>
    private async Task StartGenerationalAsync(ChatApplication application, string input, StreamsConfig streams, ContractSerdes serdes,
        TopologyOptions options, TopicSettings topics, ILoggerFactory loggers, TimeProvider? time, CancellationToken ct)
    {
        var partitions = input == Topics.ChatCommands ? topics.Commands.Partitions : topics.Events.Partitions;
        var watcher = new TopicGenerationWatcher(streams.Kafka, application.ApplicationId, input, partitions,
            loggers.CreateLogger<TopicGenerationWatcher>());
        _generational.Add(watcher);
        await watcher.StartAsync(ct);
        var generations = new GenerationalApplication(watcher, generation =>
            (application.Build(serdes, options, topics, loggers, new TopologyGeneration(generation, watcher.Current.OutputGenerationOf(generation))),
                streams.ForApplication(TopicGenerations.ApplicationId(application.ApplicationId, generation))), loggers, time,
            application.KeepsFirstGeneration);
        generations.InstanceCreated += (_, instance) => Track(application, instance);
        _generational.Insert(0, generations); // closed before its watcher
        await generations.StartAsync(ct);
        _logger.LogInformation("topology {Name} started (application {ApplicationId}, generations {Generations} of {Topic})", application.Name,
            application.ApplicationId, string.Join(", ", generations.Running(watcher.Current)), input);
    }

    private KafkaStreams Track(ChatApplication application, KafkaStreams instance)
    {
        instance.StateChanged += (_, change) =>
        {
            if (change.NewState == KafkaStreamsState.Error) Failed?.Invoke(this, (application, instance.FatalError));
        };
        lock (_running) _running.Add((application, instance));
        return instance;
    }

    /// <summary>True when every application is Running (all tasks assigned and restored).</summary>
    public bool AllRunning => Running.All(r => r.Streams.State == KafkaStreamsState.Running);

    public async ValueTask DisposeAsync()
    {
        // Generational applications close their instances first (they also stop starting new ones), then the rest, in
        // reverse start order, all at once: each leaves its group and commits.
        foreach (var generational in _generational) await generational.DisposeAsync();
        _generational.Clear();
        var running = Running;
        await Task.WhenAll(running.AsEnumerable().Reverse().Select(r => r.Streams.CloseAsync(TimeSpan.FromSeconds(30))));
        lock (_running) _running.Clear();
    }
}
