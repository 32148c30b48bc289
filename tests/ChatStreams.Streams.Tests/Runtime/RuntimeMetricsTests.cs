using ChatStreams.Streams.Tests.Runtime.Support;
using ChatStreams.Streams.Worker;
using Xunit.Abstractions;

namespace ChatStreams.Streams.Tests.Runtime;

/// <summary>The OpenTelemetry-facing metrics of a running application (meter "ChatStreams.Streams").</summary>
public sealed class RuntimeMetricsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly TestOutputLoggerFactory _loggers = new(output);

    [Fact]
    public async Task Processed_records_commits_lag_and_restores_are_measured()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var dirs = new TempDirectory();
        await kafka.CreateTopicAsync("pages", 2);
        await kafka.CreateTopicAsync("page-counts", 2);
        kafka.Produce("pages", Enumerable.Range(0, 1200).Select(i => ($"p{i % 12}", "view")));
        using var metrics = new MetricsCapture("views");

        await using (var first = new KafkaStreams(CountTopology.Build("pages", "page-counts", persistentStore: false), kafka.Config("views", dirs.Sub("a")), _loggers))
        {
            await first.StartAsync();
            Assert.Equal(1200, kafka.ReadCommitted("page-counts", 1200, Patience).Count);
            // Consumer lag per input partition: caught up once the counts are out.
            await Eventually.TrueAsync(() =>
            {
                metrics.Observe();
                var lag = metrics.Of("chatstreams.streams.consumer.lag").TakeLast(2).ToList();
                return lag.Count == 2 && lag.All(l => l.Value == 0) && lag.Select(l => l.Tags["partition"]).Distinct().Count() == 2;
            }, Patience, "lag of both partitions at 0");
            Assert.All(metrics.Of("chatstreams.streams.consumer.lag"), l => Assert.Equal("pages", l.Tags["topic"]));
            Assert.True(await first.CloseAsync(TimeSpan.FromSeconds(30)));
        }

        Assert.Equal(1200, metrics.Sum("chatstreams.streams.records.processed"));
        Assert.All(metrics.Of("chatstreams.streams.records.processed"), m => Assert.StartsWith("0_", (string)m.Tags["task"]!));
        var commits = metrics.Of("chatstreams.streams.commit.latency");
        Assert.NotEmpty(commits);
        Assert.All(commits, c => Assert.True(c.Value >= 0));

        // A new instance (in-memory store, fresh state directory) restores both changelog partitions: 1200 records.
        await using var second = new KafkaStreams(CountTopology.Build("pages", "page-counts", persistentStore: false), kafka.Config("views", dirs.Sub("b")), _loggers);
        await second.StartAsync();
        await Eventually.StateAsync(second, KafkaStreamsState.Running, Patience);
        Assert.Equal(1200, metrics.Sum("chatstreams.streams.restore.records"));
        Assert.Equal(2, metrics.Of("chatstreams.streams.restore.records").Select(m => m.Tags["partition"]).Distinct().Count());
        Assert.All(metrics.Of("chatstreams.streams.restore.records"), m => Assert.Equal("counts", m.Tags["store"]));
    }
}
