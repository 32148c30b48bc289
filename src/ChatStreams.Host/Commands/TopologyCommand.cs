using System.CommandLine;
using ChatStreams.Contracts;
using ChatStreams.Host.Observability;
using ChatStreams.Kafka;
using ChatStreams.Streams;
using ChatStreams.Topologies;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Host.Commands;

/// <summary>
/// `chatstreams topology [name...]`: runs chat streams applications (conversation, fanout, presence; default all)
/// against the Kafka and schema registry of the configuration (Kafka__BootstrapServers, SchemaRegistry__Url,
/// Streams__StateDirectory, Topologies__…, Topics__…). Exits 1 when an application fails for good, so a supervisor
/// or Kubernetes restarts it; it then resumes from its committed offsets and local state.
/// </summary>
internal static class TopologyCommand
{
    public static Command Create()
    {
        var names = new Argument<string[]>("name") { Description = "conversation, fanout, presence or all", Arity = ArgumentArity.ZeroOrMore };
        var verbose = new Option<bool>("--verbose") { Description = "Debug logging" };
        var command = new Command("topology", "Run chat stream topologies (conversation, fanout, presence)") { names, verbose };
        command.SetAction(async (parse, ct) =>
        {
            using var loggers = HostLogging.Create(parse.GetValue(verbose));
            var logger = loggers.CreateLogger("ChatStreams.Host");
            var configuration = HostConfiguration.Build();
            try
            {
                var applications = ChatApplications.Select(parse.GetValue(names) ?? []);
                var streams = new StreamsConfig { CommitIntervalMs = ChatApplications.DefaultCommitIntervalMs };
                configuration.GetSection(StreamsConfig.Section).Bind(streams);
                streams.Kafka = HostConfiguration.Bind<KafkaOptions>(configuration, KafkaOptions.Section);
                var registry = HostConfiguration.Bind<SchemaRegistryClientOptions>(configuration, SchemaRegistryClientOptions.SectionName);
                var topics = HostConfiguration.Bind<TopicSettings>(configuration, TopicSettings.SectionName);
                var options = HostConfiguration.Bind<TopologyOptions>(configuration, TopologyOptions.SectionName);
                using var registryClient = registry.CreateClient();
                var serdes = new ContractSerdes(new ChatSerdes(registryClient, registry));

                ChatProcessors? started = null;
                await using var observability = await ProcessObservability.StartAsync(configuration, "topology",
                    () => started is null ? "the topologies are starting" : started.AllRunning ? null : "a topology is rebalancing or restoring its state");
                await using var processors = started = await ChatProcessors.StartAsync(applications, streams, serdes, options, topics, loggers, ct: ct);
                var failed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
                processors.Failed += (_, failure) =>
                {
                    logger.LogCritical(failure.Error, "topology {Name} stopped after repeated failures", failure.Application.Name);
                    failed.TrySetResult(failure.Error);
                };
                Console.Out.WriteLine($"topologies running: {string.Join(", ", applications.Select(a => a.Name))}");
                Console.Out.Flush();
                var stopped = await Task.WhenAny(failed.Task, Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, TaskScheduler.Default));
                return stopped == failed.Task ? 1 : 0;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or Confluent.Kafka.KafkaException)
            {
                // The console gets the reason; the log also keeps the stack, to find which start-up call failed.
                logger.LogCritical(e, "topologies could not start: {Reason}", e.Message);
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
