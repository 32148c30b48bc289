using System.CommandLine;
using ChatStreams.Bench.BrokerBench;
using ChatStreams.Bench.Chaos;
using ChatStreams.Bench.Edge;
using ChatStreams.Bench.Load;
using ChatStreams.Bench.Sinks;
using ChatStreams.Bench.Streams;
using ChatStreams.Bench.Topologies;

// chatstreams-bench: the project's benchmarks; each command writes its own section of docs/benchmarks.md.
var root = new RootCommand("ChatStreams benchmarks")
{
    BrokerBenchCommand.Create(),
    StreamsBenchCommand.Create(),
    TopologiesBenchCommand.Create(),
    EdgeBenchCommand.Create(),
    SinksBenchCommand.Create(),
    LoadBenchCommand.Create(),
    ChaosCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
