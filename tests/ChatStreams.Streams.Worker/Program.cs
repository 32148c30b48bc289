using ChatStreams.Streams;
using ChatStreams.Streams.Worker;
using Microsoft.Extensions.Logging;

// Usage: ChatStreams.Streams.Worker <bootstrap> <application-id> <input> <output> <state-dir> [memory|rocksdb] [threads] [eos|alos]
// Runs the count topology until killed (or until stdin closes: then it closes cleanly). Prints "state <State>" lines.
if (args.Length < 5)
{
    Console.Error.WriteLine("usage: ChatStreams.Streams.Worker <bootstrap> <application-id> <input> <output> <state-dir> [memory|rocksdb] [threads] [eos|alos]");
    return 2;
}
var persistent = args.Length <= 5 || args[5] != "memory";
var threads = args.Length > 6 ? int.Parse(args[6]) : 1;
var guarantee = args.Length > 7 && args[7] == "alos" ? ProcessingGuarantee.AtLeastOnce : ProcessingGuarantee.ExactlyOnceV2;

using var loggers = LoggerFactory.Create(b => b
    .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; })
    .SetMinimumLevel(LogLevel.Information));
var config = new StreamsConfig
{
    ApplicationId = args[1],
    StateDirectory = args[4],
    NumStreamThreads = threads,
    ProcessingGuarantee = guarantee,
    CommitIntervalMs = 100,
};
config.Kafka.BootstrapServers = args[0];
// A killed instance's group membership must expire quickly so its restarted successor gets the partitions.
config.Kafka.Extra["session.timeout.ms"] = "3000";
config.Kafka.Extra["heartbeat.interval.ms"] = "500";

var streams = new KafkaStreams(CountTopology.Build(args[2], args[3], persistent), config, loggers);
var stopped = new TaskCompletionSource();
streams.StateChanged += (_, change) =>
{
    Console.WriteLine($"state {change.NewState}");
    if (change.NewState is KafkaStreamsState.Error or KafkaStreamsState.NotRunning) stopped.TrySetResult();
};
await streams.StartAsync();
// The test closes stdin to ask for a clean shutdown; otherwise it kills the process.
var stdinClosed = Task.Run(() => { while (Console.In.ReadLine() is not null) { } });
await Task.WhenAny(stdinClosed, stopped.Task);
var clean = await streams.CloseAsync(TimeSpan.FromSeconds(30));
Console.WriteLine($"closed {(clean ? "cleanly" : "with threads still running")} in state {streams.State}");
return streams.State == KafkaStreamsState.Error ? 1 : 0;
