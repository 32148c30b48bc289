using ChatStreams.Contracts;

namespace ChatStreams.Bench.Sinks;

/// <summary>The sinks and stores the benchmark measures.</summary>
public static class BenchSinks
{
    /// <summary>A factory per sink (given a fresh folder and the serdes), and what could not be measured here, if anything.</summary>
    public static (IReadOnlyList<Func<string, ChatSerdes, Task<IBenchSink>>> Factories, string? Skipped) All(SinksBenchSettings settings)
    {
        var factories = new List<Func<string, ChatSerdes, Task<IBenchSink>>>
        {
            (folder, serdes) => Task.FromResult<IBenchSink>(new HistoryBenchSink(folder, serdes)),
        };
        return (factories, null);
    }
}
