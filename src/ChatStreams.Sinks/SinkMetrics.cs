using System.Diagnostics.Metrics;

namespace ChatStreams.Sinks;

/// <summary>
/// Instruments of meter "ChatStreams.Sinks", tagged with the sink's name: what landed, how long a batch took from its
/// first record to its commit, what was skipped and how often writes failed.
/// </summary>
public static class SinkMetrics
{
    public const string MeterName = "ChatStreams.Sinks";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> RecordsWritten =
        Meter.CreateCounter<long>("chatstreams.sink.records_written", "{record}", "Records written to the sink's store and committed");

    public static readonly Histogram<double> BatchLatency =
        Meter.CreateHistogram<double>("chatstreams.sink.batch_latency", "ms", "From a batch's first record being read to its offsets being committed");

    public static readonly Counter<long> RecordsSkipped =
        Meter.CreateCounter<long>("chatstreams.sink.records_skipped", "{record}", "Unreadable (poison) records skipped");

    public static readonly Counter<long> WriteFailures =
        Meter.CreateCounter<long>("chatstreams.sink.write_failures", "{failure}", "Failed batch writes (each is retried)");
}
