using ChatStreams.Kafka;
using ChatStreams.Kafka.Broker;
using ChatStreams.Kafka.Generations;
using ChatStreams.Kafka.Broker.Server;
using ChatStreams.TestSupport;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Configuration;

namespace ChatStreams.Ctl.Tests;

/// <summary>
/// `chatctl rescale-partitions` in-process against the embedded broker: usage errors, refusals that change nothing,
/// and a run whose processors are away, which stops with a resumable state and says how to resume. The whole
/// procedure with running processors is tested in the streams runtime's and the topologies' tests.
/// </summary>
public sealed class RescalePartitionsCommandTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new("chatctl-rescale");
    private KafkaBroker _broker = null!;

    public async Task InitializeAsync()
    {
        _broker = await KafkaBroker.StartAsync(new BrokerOptions { Host = "127.0.0.1", Port = 0, DataDirectory = _data.Path, GroupInitialRebalanceDelayMs = 0 });
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _broker.BootstrapServers }).Build();
        await admin.CreateTopicsAsync(new[] { "chat.commands", "chat.events", "chat.receipts" }
            .Select(name => new TopicSpecification { Name = name, NumPartitions = 12, ReplicationFactor = 1 }));
    }

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _data.Dispose();
    }

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string?>(), args);

    private async Task<(int Exit, string Output, string Error)> RunAsync(Dictionary<string, string?> settings, params string[] args)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await ChatCtl.RunAsync(args, output, error, configuration, default);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_missing_or_non_positive_count_is_a_usage_error()
    {
        Assert.Equal(ChatCtl.Usage, (await RunAsync("rescale-partitions")).Exit);
        var (exit, _, error) = await RunAsync("rescale-partitions", "--to", "0", "--bootstrap", _broker.BootstrapServers);
        Assert.Equal(ChatCtl.Usage, exit);
        Assert.Contains("--to must be a positive partition count", error);
    }

    [Fact]
    public async Task No_more_partitions_than_now_is_refused_and_nothing_changes()
    {
        var (exit, output, error) = await RunAsync("rescale-partitions", "--to", "12", "--bootstrap", _broker.BootstrapServers);
        Assert.Equal(ChatCtl.Failed, exit);
        Assert.Contains("error: chat.commands already has 12 partitions; --to must be more than that", error);
        Assert.DoesNotContain("run the same command again", error);
        Assert.Equal("", output);
        Assert.DoesNotContain("chat.commands.g2", Topics());
        Assert.DoesNotContain("chat.events.g2", Topics());
    }

    [Fact]
    public async Task A_system_without_the_events_topics_is_refused_and_nothing_changes()
    {
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _broker.BootstrapServers }).Build())
            await admin.DeleteTopicsAsync(["chat.events"]);
        var (exit, _, error) = await RunAsync("rescale-partitions", "--to", "24", "--bootstrap", _broker.BootstrapServers);
        Assert.Equal(ChatCtl.Failed, exit);
        Assert.Contains("error: topic chat.events does not exist", error);
        Assert.DoesNotContain("chat.commands.g2", Topics());
    }

    [Fact]
    public async Task Without_processors_the_rescale_stops_resumably_and_another_target_is_refused_until_it_is_finished()
    {
        var (exit, output, error) = await RunAsync("rescale-partitions", "--to", "24", "--bootstrap", _broker.BootstrapServers,
            "--json", "--producer-wait", "00:00:01", "--timeout", "00:00:02");
        Assert.Equal(ChatCtl.Failed, exit);
        Assert.Equal("", output); // --json: progress goes to stderr, stdout only ever holds the result
        Assert.Contains("Prepared  created chat.commands.g2, chat.events.g2, chat.receipts.g2 and 0 changelog topics with 24 partitions", error);
        Assert.Contains("cutover markers written to all 12 partitions of chat.commands", error);
        Assert.Contains("0/12 partitions of chat.commands processed past their cutover marker", error);
        Assert.Contains("Nothing is lost: run the same command again to resume where it stopped.", error);
        Assert.Contains("chat.commands.g2", Topics());
        Assert.Contains("chat.events.g2", Topics());
        Assert.Contains("chat.receipts.g2", Topics());

        var (otherExit, _, otherError) = await RunAsync("rescale-partitions", "--to", "36", "--bootstrap", _broker.BootstrapServers);
        Assert.Equal(ChatCtl.Failed, otherExit);
        Assert.Contains("a rescale of chat.commands to 24 partitions is in progress (phase CutOver); run it again with --to 24", otherError);

        // chatctl status shows where each rescaled family stands.
        var (statusExit, status, statusError) = await RunAsync("status", "--bootstrap", _broker.BootstrapServers);
        Assert.True(statusExit == ChatCtl.Ok, statusError);
        Assert.Contains("Rescaled topics (chatctl rescale-partitions)", status);
        var lines = status.Split('\n');
        Assert.Contains(lines, l => l.Contains("chat.commands ") && l.Contains("CutOver") && l.Contains("24"));
        Assert.Contains(lines, l => l.Contains("chat.events, chat.receipts") && l.Contains("Prepared") && l.Contains("24"));
    }

    [Fact]
    public async Task After_a_rescale_the_topics_check_compares_the_current_generation_with_the_configured_count()
    {
        // What a finished rescale to 24 leaves: the new generations and their records.
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _broker.BootstrapServers }).Build())
            await admin.CreateTopicsAsync(new[] { "chat.commands.g2", "chat.events.g2", "chat.receipts.g2" }
                .Select(name => new TopicSpecification { Name = name, NumPartitions = 24, ReplicationFactor = 1 }));
        using (var log = new TopicGenerationLog(new KafkaOptions { BootstrapServers = _broker.BootstrapServers }, "ctl-test"))
        {
            await log.EnsureTopicAsync();
            await log.WriteStateAsync(new TopicGenerationState { Topic = "chat.commands", Generation = 2, Partitions = 24, RetiredGeneration = 1 });
            await log.WriteStateAsync(new TopicGenerationState { Topic = "chat.events", Generation = 2, Partitions = 24, RetiredGeneration = 1, Companions = ["chat.receipts"] });
        }
        var settings = new Dictionary<string, string?>
        {
            ["Topics:Commands:Partitions"] = "24", ["Topics:Events:Partitions"] = "24", ["Topics:Receipts:Partitions"] = "24",
        };
        var (_, output, error) = await RunAsync(settings, "topics", "--check", "--json", "--bootstrap", _broker.BootstrapServers);
        foreach (var topic in new[] { "chat.commands.g2", "chat.events.g2", "chat.receipts.g2" })
            Assert.Contains($"\"{topic}\"", output);
        Assert.DoesNotContain("configured 24", output + error); // generation 1's 12 partitions are not compared any more
    }

    private List<string> Topics()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _broker.BootstrapServers }).Build();
        return admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic).ToList();
    }
}
