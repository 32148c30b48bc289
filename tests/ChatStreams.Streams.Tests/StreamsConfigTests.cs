namespace ChatStreams.Streams.Tests;

public sealed class StreamsConfigTests
{
    [Fact]
    public void ForApplication_changes_only_the_application_id()
    {
        var template = new StreamsConfig
        {
            ApplicationId = "template", NumStreamThreads = 3, ProcessingGuarantee = ProcessingGuarantee.AtLeastOnce,
            CommitIntervalMs = 250, StateDirectory = "/tmp/state", DeserializationErrors = ChatStreams.Streams.Runtime.DeserializationErrorPolicy.Fail,
            DeadLetterTopic = "dead", ReplicationFactor = 3, MaxPollRecords = 17,
        };
        template.Kafka.BootstrapServers = "127.0.0.1:1";

        var copy = template.ForApplication("chat");

        Assert.Equal("chat", copy.ApplicationId);
        Assert.Equal("template", template.ApplicationId);
        foreach (var property in typeof(StreamsConfig).GetProperties().Where(p => p.Name != nameof(StreamsConfig.ApplicationId) && p.CanWrite))
            Assert.Equal(property.GetValue(template), property.GetValue(copy));
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, true)]
    [InlineData(10, true)]
    [InlineData(-2, false)]
    public void The_idle_commit_interval_is_off_or_not_negative(int idleCommitIntervalMs, bool valid)
    {
        var config = new StreamsConfig { ApplicationId = "chat", IdleCommitIntervalMs = idleCommitIntervalMs };
        var problems = config.Validate();
        if (valid) Assert.Empty(problems);
        else Assert.Contains(problems, p => p.Contains("IdleCommitIntervalMs", StringComparison.Ordinal));
    }
}
