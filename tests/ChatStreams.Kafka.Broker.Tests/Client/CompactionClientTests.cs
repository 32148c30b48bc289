using ChatStreams.Kafka.Broker.Tests.Support;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ChatStreams.Kafka.Broker.Tests.Client;

/// <summary>A compacted topic as a state-store changelog uses it: readers see the latest value per key, deletes vanish.</summary>
public sealed class CompactionClientTests
{
    [Fact]
    public async Task Compaction_keeps_the_latest_value_per_key_and_drops_deleted_keys()
    {
        await using var broker = await InProcessBroker.StartAsync(configure: o =>
        {
            o.HousekeepingIntervalMs = 50;
            o.RetentionCheckIntervalMs = 200;
        });
        await broker.CreateTopicAsync("changelog", 1, new Dictionary<string, string>
        {
            ["cleanup.policy"] = "compact", ["segment.bytes"] = "4096", ["delete.retention.ms"] = "0",
        });
        using (var producer = new ProducerBuilder<string, string?>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, EnableIdempotence = true, LingerMs = 0 }).Build())
        {
            for (var round = 0; round < 40; round++)
                for (var key = 0; key < 50; key++)
                    await producer.ProduceAsync("changelog", new Message<string, string?> { Key = $"k{key}", Value = $"{round}" });
            for (var key = 0; key < 10; key++) // delete the first ten keys
                await producer.ProduceAsync("changelog", new Message<string, string?> { Key = $"k{key}", Value = null });
            for (var i = 0; i < 100; i++) // fill the active segment so the tombstones become cleanable
                await producer.ProduceAsync("changelog", new Message<string, string?> { Key = "filler", Value = $"{i}" });
        }

        var partition = broker.Broker.Catalog.Find("changelog")!.Partition(0)!;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<ConsumeResult<string, string?>> records;
        do
        {
            await Task.Delay(300);
            records = ReadAll(broker.BootstrapServers, partition.HighWatermark);
        } while (records.Count(r => r.Message.Key != "filler") > 40 && DateTime.UtcNow < deadline);

        var latest = records.Where(r => r.Message.Key != "filler").ToList();
        // Keys 10..49 keep exactly their last value; keys 0..9 are gone entirely.
        Assert.Equal(Enumerable.Range(10, 40).Select(k => $"k{k}"), latest.Select(r => r.Message.Key).Order(StringComparer.Ordinal).OrderBy(k => int.Parse(k[1..])));
        Assert.All(latest, r => Assert.Equal("39", r.Message.Value));
        // Offsets keep their original values (gaps are fine) and stay increasing.
        Assert.Equal(records.Select(r => r.Offset.Value).Order(), records.Select(r => r.Offset.Value));
        Assert.Equal(2110, partition.HighWatermark);
    }

    private static List<ConsumeResult<string, string?>> ReadAll(string bootstrap, long end)
    {
        using var consumer = new ConsumerBuilder<string, string?>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "reader", EnableAutoCommit = false }).Build();
        consumer.Assign(new TopicPartitionOffset("changelog", 0, Offset.Beginning));
        var records = new List<ConsumeResult<string, string?>>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r?.Message is null) continue;
            records.Add(r);
            if (r.Offset.Value == end - 1) break;
        }
        return records;
    }
}
