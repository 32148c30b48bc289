using ChatStreams.Bench.Measurement;

namespace ChatStreams.Bench.BrokerBench;

/// <summary>One measured run: a produce pass, the consume pass that read its records back, and what .NET did meanwhile.</summary>
/// <param name="OtherCpuShare">Share of the machine's CPU time other processes used during the run (null off Linux).</param>
public sealed record RunResult(ProduceResult Produce, ConsumeResult Consume, RuntimeActivity Runtime, double? OtherCpuShare);

/// <summary>A target's runs and, per metric, the median over them (each column is its own median).</summary>
public sealed record TargetSummary(string Target, IReadOnlyList<RunResult> Runs)
{
    public double ProduceRecordsPerSecond => Median(r => r.Produce.RecordsPerSecond);
    public double ProduceMegabytesPerSecond => Median(r => r.Produce.MegabytesPerSecond);
    public double P50Ms => Median(r => r.Produce.Latency.P50Ms);
    public double P99Ms => Median(r => r.Produce.Latency.P99Ms);
    public double P999Ms => Median(r => r.Produce.Latency.P999Ms);
    public double ConsumeRecordsPerSecond => Median(r => r.Consume.RecordsPerSecond);

    private double Median(Func<RunResult, double> metric) => Percentiles.Median(Runs.Select(metric));
}
