using System.Text;
using ChatStreams.Kafka.Broker.Tests.Support;
using Confluent.Kafka;

namespace ChatStreams.Kafka.Broker.Tests.Client;

/// <summary>Confluent.Kafka (librdkafka) producers and consumers against the embedded broker.</summary>
public sealed class ProduceConsumeTests
{
    private static ProducerConfig Producer(string bootstrap, CompressionType compression = CompressionType.None) => new()
    {
        BootstrapServers = bootstrap,
        EnableIdempotence = true,
        Acks = Acks.All,
        LingerMs = 5,
        CompressionType = compression,
        Partitioner = Partitioner.Murmur2Random,
    };

    private static List<ConsumeResult<string, string>> ReadAll(string bootstrap, string topic, int partitions, int expected,
        IsolationLevel isolation = IsolationLevel.ReadCommitted)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "unused-" + Guid.NewGuid(),
            IsolationLevel = isolation,
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var results = new List<ConsumeResult<string, string>>();
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (results.Count < expected && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (r is { IsPartitionEOF: false, Message: not null }) results.Add(r);
        }
        // Anything beyond the expected count would be a duplicate: give it a moment to show up.
        var extra = consumer.Consume(TimeSpan.FromMilliseconds(300));
        if (extra is { Message: not null }) results.Add(extra);
        return results;
    }

    [Fact]
    public async Task Records_round_trip_in_order_per_partition()
    {
        await using var broker = await InProcessBroker.StartAsync();
        await broker.CreateTopicAsync("orders", 12);
        const int count = 20_000;
        using (var producer = new ProducerBuilder<string, string>(Producer(broker.BootstrapServers)).Build())
        {
            for (var i = 0; i < count; i++)
                producer.Produce("orders", new Message<string, string> { Key = $"key-{i % 97}", Value = $"value-{i}" });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        }

        var all = ReadAll(broker.BootstrapServers, "orders", 12, count);
        Assert.Equal(count, all.Count);
        Assert.Equal(count, all.Select(r => r.Message.Value).Distinct().Count());
        foreach (var partition in all.GroupBy(r => r.Partition.Value))
        {
            var offsets = partition.Select(r => r.Offset.Value).ToList();
            Assert.Equal(Enumerable.Range(0, offsets.Count).Select(i => (long)i), offsets);
            // Per key the values come back in the order they were produced.
            foreach (var byKey in partition.GroupBy(r => r.Message.Key))
            {
                var seq = byKey.Select(r => int.Parse(r.Message.Value["value-".Length..])).ToList();
                Assert.Equal(seq.OrderBy(x => x), seq);
            }
        }
        // murmur2 like the Java client: every key lives on exactly one partition.
        Assert.All(all.GroupBy(r => r.Message.Key), g => Assert.Single(g.Select(r => r.Partition.Value).Distinct()));
    }

    [Fact]
    public async Task A_million_records_across_twelve_partitions_come_back_exactly_once()
    {
        await using var broker = await InProcessBroker.StartAsync();
        await broker.CreateTopicAsync("million", 12);
        const int count = 1_000_000;
        var config = Producer(broker.BootstrapServers, CompressionType.Lz4);
        config.QueueBufferingMaxMessages = 500_000;
        using (var producer = new ProducerBuilder<Null, byte[]>(config).Build())
        {
            var failed = 0;
            for (var i = 0; i < count; i++)
            {
                var value = BitConverter.GetBytes(i);
                while (true)
                {
                    try
                    {
                        producer.Produce(new TopicPartition("million", i % 12), new Message<Null, byte[]> { Value = value },
                            r => { if (r.Error.IsError) Interlocked.Increment(ref failed); });
                        break;
                    }
                    catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(50));
                    }
                }
            }
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(120)));
            Assert.Equal(0, failed);
        }

        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers, GroupId = "million-reader", EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadCommitted,
        }).Build();
        consumer.Assign(Enumerable.Range(0, 12).Select(p => new TopicPartitionOffset("million", p, Offset.Beginning)));
        var seen = new bool[count];
        var nextOffset = new long[12];
        var read = 0;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (read < count && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (r?.Message is null) continue;
            var i = BitConverter.ToInt32(r.Message.Value);
            Assert.False(seen[i], $"record {i} delivered twice");
            seen[i] = true;
            Assert.Equal(i % 12, r.Partition.Value);
            Assert.Equal(nextOffset[r.Partition.Value]++, r.Offset.Value); // dense, in order
            read++;
        }
        Assert.Equal(count, read);
    }

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public async Task Compressed_batches_round_trip(CompressionType compression)
    {
        await using var broker = await InProcessBroker.StartAsync();
        await broker.CreateTopicAsync("compressed", 3);
        const int count = 5_000;
        using (var producer = new ProducerBuilder<string, string>(Producer(broker.BootstrapServers, compression)).Build())
        {
            for (var i = 0; i < count; i++)
                producer.Produce("compressed", new Message<string, string>
                {
                    Key = $"k{i}", Value = new string('x', i % 300) + i,
                    Headers = new Headers { { "h", Encoding.UTF8.GetBytes($"header-{i}") } },
                });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        }
        var all = ReadAll(broker.BootstrapServers, "compressed", 3, count);
        Assert.Equal(count, all.Count);
        foreach (var r in all)
        {
            var i = int.Parse(r.Message.Key[1..]);
            Assert.Equal(new string('x', i % 300) + i, r.Message.Value);
            Assert.Equal($"header-{i}", Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes("h")));
        }
    }

    [Fact]
    public async Task Data_and_offsets_survive_a_restart()
    {
        await using var broker = await InProcessBroker.StartAsync();
        await broker.CreateTopicAsync("durable", 2);
        using (var producer = new ProducerBuilder<string, string>(Producer(broker.BootstrapServers)).Build())
        {
            for (var i = 0; i < 1000; i++) producer.Produce(new TopicPartition("durable", i % 2), new Message<string, string> { Key = "k", Value = $"a{i}" });
            producer.Flush(TimeSpan.FromSeconds(30));
        }
        await broker.RestartAsync();
        using (var producer = new ProducerBuilder<string, string>(Producer(broker.BootstrapServers)).Build())
        {
            var report = await producer.ProduceAsync(new TopicPartition("durable", 0), new Message<string, string> { Key = "k", Value = "after" });
            Assert.Equal(500, report.Offset.Value); // offsets continue where they were
        }
        var all = ReadAll(broker.BootstrapServers, "durable", 2, 1001);
        Assert.Equal(1001, all.Count);
        Assert.Equal("after", all.Single(r => r.Partition.Value == 0 && r.Offset.Value == 500).Message.Value);
    }

    [Fact]
    public async Task Watermarks_and_offsets_for_times()
    {
        await using var broker = await InProcessBroker.StartAsync();
        await broker.CreateTopicAsync("timed", 1);
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        using (var producer = new ProducerBuilder<string, string>(Producer(broker.BootstrapServers)).Build())
        {
            for (var i = 0; i < 100; i++)
                await producer.ProduceAsync("timed", new Message<string, string>
                {
                    Key = "k", Value = $"{i}", Timestamp = new Timestamp(start.AddMinutes(i)),
                });
        }
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "g" }).Build();
        var tp = new TopicPartition("timed", 0);
        var watermarks = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10));
        Assert.Equal(0, watermarks.Low.Value);
        Assert.Equal(100, watermarks.High.Value);
        var found = consumer.OffsetsForTimes([new TopicPartitionTimestamp(tp, new Timestamp(start.AddMinutes(42).AddSeconds(30)))], TimeSpan.FromSeconds(10));
        Assert.Equal(43, found.Single().Offset.Value);
        var past = consumer.OffsetsForTimes([new TopicPartitionTimestamp(tp, new Timestamp(start.AddDays(1)))], TimeSpan.FromSeconds(10));
        Assert.Equal(Offset.End, past.Single().Offset);
    }

    [Fact]
    public async Task Producing_to_a_missing_topic_fails_clearly_and_creates_nothing()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var config = Producer(broker.BootstrapServers);
        config.MessageTimeoutMs = 3000;
        using var producer = new ProducerBuilder<string, string>(config).Build();
        var error = await Assert.ThrowsAsync<ProduceException<string, string>>(() =>
            producer.ProduceAsync("no-such-topic", new Message<string, string> { Key = "k", Value = "v" }));
        Assert.Contains(error.Error.Code, new[] { ErrorCode.UnknownTopicOrPart, ErrorCode.Local_UnknownTopic, ErrorCode.Local_MsgTimedOut });
        Assert.Null(broker.Broker.Catalog.Find("no-such-topic"));
    }
}
