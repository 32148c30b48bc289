using System.CommandLine;
using ChatStreams.Bench.BrokerBench;

// chatstreams-bench: the project's benchmarks; each command writes its own section of docs/benchmarks.md.
var root = new RootCommand("ChatStreams benchmarks")
{
    BrokerBenchCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
