using ChatStreams.Bench.Measurement;
using ChatStreams.Bench.Reporting;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Bench.BrokerBench;

/// <summary>
/// Runs the same workload against the embedded broker and librdkafka's mock cluster in one process:
/// both warm up, then their runs alternate (embedded, mock, embedded, …) on fresh topics, so a burst of
/// other work on the machine lands on both rather than on one; then the same with a transactional producer.
/// </summary>
public sealed class BrokerBenchmark(BrokerBenchSettings settings, ILoggerFactory loggers, TextWriter console)
{
    public const string EmbeddedName = "embedded broker (disk, fsync before ack)";
    public const string MockName = "librdkafka mock cluster (memory)";

    public async Task<IReadOnlyList<TargetSummary>> RunAsync()
    {
        var summaries = new List<TargetSummary>();
        var variants = new List<(string Suffix, int Batch)> { ("", 0) };
        if (settings.TransactionBatch > 0) variants.Add(($", transactional (commit every {settings.TransactionBatch:N0})", settings.TransactionBatch));

        foreach (var (suffix, batch) in variants)
        {
            await using var embedded = await EmbeddedBrokerTarget.StartAsync(EmbeddedName + suffix, settings.DataParent, loggers);
            await using var mock = MockClusterTarget.Start(MockName + suffix);
            summaries.AddRange(await MeasureAsync([embedded, mock], batch));
        }
        return summaries;
    }

    private async Task<IEnumerable<TargetSummary>> MeasureAsync(IReadOnlyList<IBenchTarget> targets, int transactionBatch)
    {
        foreach (var target in targets)
        {
            Say($"== {target.Name} at {target.BootstrapServers}");
            for (var run = 1; run <= settings.WarmupRuns; run++)
            {
                var label = $"{target.Name}, warm-up {run}/{settings.WarmupRuns}";
                var result = await PassAsync(target, $"bench-warmup-{run}", settings.Records, transactionBatch, label);
                Say($"   {label} (not counted): produce {result.Produce.RecordsPerSecond:N0} rec/s; JIT compiled {result.Runtime.JitMethods:N0} methods");
            }
        }
        var runs = targets.ToDictionary(t => t, _ => new List<RunResult>());
        for (var run = 1; run <= settings.Runs; run++)
        {
            foreach (var target in targets)
            {
                var label = $"{target.Name}, run {run}/{settings.Runs}";
                var result = await PassAsync(target, $"bench-run-{run}", settings.Records, transactionBatch, label);
                Say($"   {label}: produce {result.Produce.RecordsPerSecond:N0} rec/s ({result.Produce.MegabytesPerSecond:N1} MB/s), " +
                    $"p50 {result.Produce.Latency.P50Ms:N1} ms, p99 {result.Produce.Latency.P99Ms:N1} ms, p99.9 {result.Produce.Latency.P999Ms:N1} ms; " +
                    $"consume {result.Consume.RecordsPerSecond:N0} rec/s (first record after {result.Consume.FirstRecordAfter.TotalMilliseconds:N0} ms); " +
                    $"JIT {result.Runtime.JitMethods:N0} methods, {result.Runtime.Gen2Collections} gen-2 GCs; other processes {result.OtherCpuShare:P0} CPU");
                runs[target].Add(result);
            }
        }
        return targets.Select(t => new TargetSummary(t.Name, runs[t]));
    }

    private async Task<RunResult> PassAsync(IBenchTarget target, string topic, int records, int transactionBatch, string label)
    {
        await target.CreateTopicAsync(topic, settings.Partitions);
        var produce = new ProducePass(target.BootstrapServers, topic, settings.Partitions, records, settings.RecordSize, transactionBatch);
        var consume = new ConsumePass(target.BootstrapServers, topic, settings.Partitions, records);
        // The passes block on the client; a thread of their own keeps them off the pool the in-process broker runs on.
        var before = RuntimeActivity.Now();
        var cpuBefore = CpuSample.Take();
        var produced = await Task.Factory.StartNew(() => produce.Run(line => Say($"   {label}: {line}")), TaskCreationOptions.LongRunning);
        var consumed = await Task.Factory.StartNew(() => consume.Run(line => Say($"   {label}: {line}")), TaskCreationOptions.LongRunning);
        var cpuAfter = CpuSample.Take();
        return new RunResult(produced, consumed, RuntimeActivity.Now().Since(before),
            cpuBefore is not null && cpuAfter is not null ? CpuSample.OtherShare(cpuBefore, cpuAfter) : null);
    }

    private void Say(string line)
    {
        lock (console) console.WriteLine(line);
    }
}
