using ChatStreams.Kafka;
using ChatStreams.Kafka.Generations;
using ChatStreams.Streams.Tests.Runtime.Support;

namespace ChatStreams.Streams.Tests.Generations;

/// <summary>
/// A producer's switch (what an edge does): new records go to the next generation as soon as the record says so, but
/// the switch is reported only once every record sent to the old generation is acknowledged.
/// </summary>
public sealed class ProducerGenerationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_switch_is_reported_only_after_the_last_old_generation_record_is_acknowledged()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        var options = new KafkaOptions { BootstrapServers = kafka.BootstrapServers };
        await using var watcher = new TopicGenerationWatcher(options, "edge-a", "chat.commands", 12);
        await watcher.StartAsync();
        await using var producer = new ProducerGeneration(watcher, "edge-a");
        await producer.StartAsync();
        using var log = new TopicGenerationLog(options, "test");
        Assert.Equal(1, Report(log)?.Generation);

        var inFlight = producer.Acquire();
        Assert.Equal("chat.commands", inFlight.Topic);
        var state = new TopicGenerationState { Topic = "chat.commands", Partitions = 12, TargetPartitions = 24, Phase = RescalePhase.Switching };
        await log.WriteStateAsync(state);
        await Eventually.TrueAsync(() => producer.Generation == 2, Patience, "the producer to follow the switch");

        var next = producer.Acquire();
        Assert.Equal("chat.commands.g2", next.Topic);
        next.Dispose();
        await Task.Delay(1000);
        Assert.Equal(1, Report(log)?.Generation); // the old-generation record is still in flight

        inFlight.Dispose();
        await Eventually.TrueAsync(() => Report(log)?.Generation == 2, Patience, "the switch report");

        // A producer that starts during the rescale writes the new generation from its first record on.
        await using var late = new ProducerGeneration(watcher, "edge-b");
        await late.StartAsync();
        using (var lease = late.Acquire()) Assert.Equal("chat.commands.g2", lease.Topic);
        await Eventually.TrueAsync(() => Report(log, "edge-b")?.Generation == 2, Patience, "the late producer's report");

        // Stopping unregisters: the procedure no longer waits for it.
        await producer.DisposeAsync();
        await Eventually.TrueAsync(() => Report(log) is null, Patience, "the report to be removed");
    }

    private static ProducerGenerationReport? Report(TopicGenerationLog log, string producer = "edge-a") =>
        log.ReadAll(Patience).TryGetValue(TopicGenerations.ProducerKey("chat.commands", producer), out var bytes) ? ProducerGenerationReport.FromBytes(bytes) : null;
}
