namespace ChatStreams.Bench.Topologies;

/// <summary>What one topology's stream thread did in a window: its commits, and the share of a core it was on the CPU (null: unknown).</summary>
public sealed record ThreadActivity(CommitStats Commits, double? Cpu);

/// <summary>
/// One window of a run: the stream threads of both topologies, and CPU in cores (1.0 = one core busy) of the output
/// readers and of the whole benchmark process (broker, registry, clients, readers, GC, topologies; null: unknown).
/// </summary>
public sealed record WindowActivity(ThreadActivity Conversation, ThreadActivity FanOut, double? ReadersCpu, double? ProcessCpu);
