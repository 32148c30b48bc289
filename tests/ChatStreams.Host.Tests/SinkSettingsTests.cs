using ChatStreams.Host.Commands;
using ChatStreams.Sinks.Analytics;
using Microsoft.Extensions.Configuration;

namespace ChatStreams.Host.Tests;

/// <summary>A sink's batching: its own defaults, then section Sinks (every sink), then Sinks:&lt;sink&gt; (that sink only).</summary>
public sealed class SinkSettingsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void The_analytics_sink_batches_more_than_the_others_by_default()
    {
        var analytics = HostConfiguration.BindSink(Config(), AnalyticsSinkWriter.SinkName, AnalyticsSinkWriter.DefaultOptions());
        var history = HostConfiguration.BindSink(Config(), "history");

        Assert.Equal(5_000, analytics.BatchSize);
        Assert.Equal(TimeSpan.FromSeconds(1), analytics.BatchLinger);
        Assert.Equal(500, history.BatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(200), history.BatchLinger);
    }

    [Fact]
    public void Section_Sinks_sets_every_sink_and_a_sinks_own_section_wins_for_it_alone()
    {
        var config = Config(("Sinks:BatchSize", "800"), ("Sinks:BatchLinger", "00:00:00.050"), ("Sinks:analytics:BatchSize", "20000"), ("Sinks:RetryBackoff", "00:00:01"));

        var analytics = HostConfiguration.BindSink(config, AnalyticsSinkWriter.SinkName, AnalyticsSinkWriter.DefaultOptions());
        var history = HostConfiguration.BindSink(config, "history");

        Assert.Equal(20_000, analytics.BatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(50), analytics.BatchLinger);
        Assert.Equal(TimeSpan.FromSeconds(1), analytics.RetryBackoff);
        Assert.Equal(800, history.BatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(50), history.BatchLinger);
    }
}
