using ChatStreams.Kafka.Broker.Records;
using ChatStreams.Kafka.Broker.Storage;

namespace ChatStreams.Kafka.Broker.Tests.Storage;

public sealed class LogConfigTests
{
    [Fact]
    public void Defaults_match_kafka_except_the_flush_policy()
    {
        var config = LogConfig.FromTopicConfigs(new Dictionary<string, string?>());
        Assert.Equal(1024 * 1024 * 1024, config.SegmentBytes);
        Assert.Equal(604_800_000, config.RetentionMs);
        Assert.Equal(604_800_000, config.SegmentMs);
        Assert.Equal(-1, config.RetentionBytes);
        Assert.Equal(CleanupPolicy.Delete, config.CleanupPolicy);
        Assert.Equal(86_400_000, config.DeleteRetentionMs);
        Assert.Equal(1048588, config.MaxMessageBytes);
        Assert.Equal(4096, config.IndexIntervalBytes);
        Assert.Equal(TimestampType.CreateTime, config.MessageTimestampType);
        Assert.Equal(FlushMode.EveryAppend, config.FlushPolicy.Mode);
    }

    [Fact]
    public void Kafka_names_are_read()
    {
        var config = LogConfig.FromTopicConfigs(new Dictionary<string, string?>
        {
            ["segment.bytes"] = "1048576",
            ["segment.ms"] = "3600000",
            ["retention.ms"] = "-1",
            ["retention.bytes"] = "5000000",
            ["cleanup.policy"] = "compact, delete",
            ["delete.retention.ms"] = "1000",
            ["min.compaction.lag.ms"] = "2000",
            ["max.message.bytes"] = "2000000",
            ["index.interval.bytes"] = "100",
            ["message.timestamp.type"] = "LogAppendTime",
            ["flush.ms"] = "250",
            ["unrelated.config"] = "ignored",
        });
        Assert.Equal(1048576, config.SegmentBytes);
        Assert.Equal(3_600_000, config.SegmentMs);
        Assert.Equal(-1, config.RetentionMs);
        Assert.Equal(5_000_000, config.RetentionBytes);
        Assert.True(config.Compacts && config.Deletes);
        Assert.Equal(1000, config.DeleteRetentionMs);
        Assert.Equal(2000, config.MinCompactionLagMs);
        Assert.Equal(2_000_000, config.MaxMessageBytes);
        Assert.Equal(100, config.IndexIntervalBytes);
        Assert.Equal(TimestampType.LogAppendTime, config.MessageTimestampType);
        Assert.Equal(FlushPolicy.Interval(250), config.FlushPolicy);
        Assert.True(config.ValidationOptions.RequireKeys);
    }

    [Theory]
    [InlineData("retention.ms", "soon", "whole number")]
    [InlineData("retention.ms", "-2", "at least -1")]
    [InlineData("segment.bytes", "10", "at least 14")]
    [InlineData("segment.bytes", "9999999999", "at most 2147483647")]
    [InlineData("cleanup.policy", "archive", "compact")]
    [InlineData("message.timestamp.type", "WallClock", "LogAppendTime")]
    public void Bad_values_name_the_config_and_the_rule(string name, string value, string hint)
    {
        var error = Assert.Throws<InvalidTopicConfigException>(() => LogConfig.FromTopicConfigs(new Dictionary<string, string?> { [name] = value }));
        Assert.Equal(name, error.ConfigName);
        Assert.Contains(name, error.Message);
        Assert.Contains(value, error.Message);
        Assert.Contains(hint, error.Message);
        Assert.IsAssignableFrom<ArgumentException>(error);
    }

    [Theory]
    [InlineData("1", null, FlushMode.EveryAppend)]
    [InlineData(null, "0", FlushMode.EveryAppend)]
    [InlineData("9223372036854775807", "9223372036854775807", FlushMode.OsOnly)]
    [InlineData("1000", null, FlushMode.OsOnly)]
    [InlineData(null, "500", FlushMode.Interval)]
    public void Flush_configs_map_to_a_policy(string? messages, string? ms, FlushMode expected)
    {
        var configs = new Dictionary<string, string?>();
        if (messages is not null) configs["flush.messages"] = messages;
        if (ms is not null) configs["flush.ms"] = ms;
        Assert.Equal(expected, LogConfig.FromTopicConfigs(configs).FlushPolicy.Mode);
    }

    [Fact]
    public void Effective_configs_round_trip()
    {
        var original = new LogConfig
        {
            SegmentBytes = 12345,
            RetentionMs = 777,
            CleanupPolicy = CleanupPolicy.Compact,
            FlushPolicy = FlushPolicy.Interval(40),
            MessageTimestampType = TimestampType.LogAppendTime,
        };
        var names = original.ToTopicConfigs();
        Assert.All(names.Keys, k => Assert.Contains(k, LogConfig.KnownConfigNames));
        Assert.Equal("compact", names["cleanup.policy"]);
        Assert.Equal(original, LogConfig.FromTopicConfigs(names.ToDictionary(p => p.Key, p => (string?)p.Value)));
    }
}
