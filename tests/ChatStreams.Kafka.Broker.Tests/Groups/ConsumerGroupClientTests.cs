using ChatStreams.Kafka.Broker.Tests.Support;
using Confluent.Kafka;

namespace ChatStreams.Kafka.Broker.Tests.Groups;

/// <summary>Classic consumer groups as Confluent.Kafka (librdkafka) clients use them against the embedded broker.</summary>
public sealed class ConsumerGroupClientTests
{
    private static bool SplitsAll(IReadOnlyList<PollingConsumer> consumers, int partitions, int each)
    {
        var assignments = consumers.Select(c => c.Assignment).ToList();
        var all = assignments.SelectMany(a => a.Select(tp => tp.Partition.Value)).ToList();
        return all.Count == partitions && all.Distinct().Count() == partitions && assignments.All(a => a.Count == each);
    }

    [Theory]
    [InlineData(PartitionAssignmentStrategy.Range)]
    [InlineData(PartitionAssignmentStrategy.CooperativeSticky)]
    public async Task Three_consumers_split_twelve_partitions_and_the_survivors_take_over_when_one_leaves(PartitionAssignmentStrategy assignor)
    {
        await using var broker = await InProcessBroker.StartAsync();
        await broker.CreateTopicAsync("orders", 12);
        var group = $"split-{assignor}";
        var consumers = Enumerable.Range(0, 3)
            .Select(_ => new PollingConsumer(broker.BootstrapServers, group, "orders", assignor)).ToList();
        try
        {
            await PollingConsumer.Until(() => SplitsAll(consumers, 12, 4), "three consumers own 4 distinct partitions each");

            await consumers[0].DisposeAsync(); // leaves the group
            var survivors = consumers.Skip(1).ToList();
            await PollingConsumer.Until(() => SplitsAll(survivors, 12, 6), "the two remaining consumers own all 12 partitions");

            using var admin = broker.Admin();
            var description = (await admin.DescribeConsumerGroupsAsync([group])).ConsumerGroupDescriptions.Single();
            Assert.Equal(ConsumerGroupState.Stable, description.State);
            Assert.Equal(2, description.Members.Count);
            Assert.Equal(12, description.Members.Sum(m => m.Assignment.TopicPartitions.Count));
        }
        finally
        {
            foreach (var c in consumers) await c.DisposeAsync();
        }
    }

    [Fact]
    public async Task Committed_offsets_survive_a_broker_restart()
    {
        await using var broker = await InProcessBroker.StartAsync();
        await broker.CreateTopicAsync("events", 2);
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            for (var i = 0; i < 10; i++)
            {
                await producer.ProduceAsync(new TopicPartition("events", 0), new Message<string, string> { Key = "k", Value = $"p0-{i}" });
                await producer.ProduceAsync(new TopicPartition("events", 1), new Message<string, string> { Key = "k", Value = $"p1-{i}" });
            }
        }
        var p0 = new TopicPartition("events", 0);
        var p1 = new TopicPartition("events", 1);
        var consumer = new PollingConsumer(broker.BootstrapServers, "restart", "events", PartitionAssignmentStrategy.Range);
        await PollingConsumer.Until(() => consumer.Assignment.Count == 2, "the consumer owns both partitions");
        consumer.Consumer.Commit([new TopicPartitionOffset(p0, 3), new TopicPartitionOffset(p1, 7)]);
        await consumer.DisposeAsync();

        await broker.RestartAsync();

        using var reader = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers, GroupId = "restart", EnableAutoCommit = false, AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        var committed = reader.Committed([p0, p1], TimeSpan.FromSeconds(30));
        Assert.Equal([3L, 7L], committed.OrderBy(c => c.Partition.Value).Select(c => c.Offset.Value).ToArray());

        reader.Subscribe("events");
        var firsts = new Dictionary<int, long>();
        var deadline = DateTime.UtcNow.AddSeconds(45);
        while (firsts.Count < 2 && DateTime.UtcNow < deadline)
        {
            var r = reader.Consume(TimeSpan.FromMilliseconds(200));
            if (r is not null) firsts.TryAdd(r.Partition.Value, r.Offset.Value);
        }
        Assert.Equal(3L, firsts[0]); // consumption resumes at the committed positions
        Assert.Equal(7L, firsts[1]);
        reader.Close();

        using var admin = broker.Admin();
        var groups = await admin.ListConsumerGroupsAsync();
        Assert.Contains(groups.Valid, g => g.GroupId == "restart");
    }

    [Fact]
    public async Task A_restarted_static_member_gets_its_partitions_back_without_a_rebalance()
    {
        await using var broker = await InProcessBroker.StartAsync();
        await broker.CreateTopicAsync("static", 4);
        var a = new PollingConsumer(broker.BootstrapServers, "static-group", "static", PartitionAssignmentStrategy.Range, "instance-a", 30_000);
        await using var b = new PollingConsumer(broker.BootstrapServers, "static-group", "static", PartitionAssignmentStrategy.Range, "instance-b", 30_000);
        await PollingConsumer.Until(() => a.Assignment.Count == 2 && b.Assignment.Count == 2, "each static member owns 2 partitions");
        var aPartitions = a.Assignment.Select(tp => tp.Partition.Value).Order().ToArray();
        var bPartitions = b.Assignment.Select(tp => tp.Partition.Value).Order().ToArray();
        var bRevocations = b.Revocations;

        await a.DisposeAsync(); // a static member does not leave the group on close (KIP-345)
        await using var restarted = new PollingConsumer(broker.BootstrapServers, "static-group", "static", PartitionAssignmentStrategy.Range,
            "instance-a", 30_000);
        await PollingConsumer.Until(() => restarted.Assignment.Count == 2, "the restarted instance owns partitions again");

        Assert.Equal(aPartitions, restarted.Assignment.Select(tp => tp.Partition.Value).Order().ToArray());
        // A rebalance would have made b give up its partitions before anyone got new ones.
        Assert.Equal(bRevocations, b.Revocations);
        Assert.Equal(bPartitions, b.Assignment.Select(tp => tp.Partition.Value).Order().ToArray());
    }

    [Fact]
    public async Task Offsets_sent_to_a_transaction_with_a_stale_generation_are_refused()
    {
        await using var broker = await InProcessBroker.StartAsync();
        await broker.CreateTopicAsync("input", 2);
        await using var first = new PollingConsumer(broker.BootstrapServers, "eos", "input", PartitionAssignmentStrategy.Range);
        await PollingConsumer.Until(() => first.Assignment.Count == 2, "the first member owns both partitions");
        var stale = first.Consumer.ConsumerGroupMetadata;

        await using var second = new PollingConsumer(broker.BootstrapServers, "eos", "input", PartitionAssignmentStrategy.Range);
        await PollingConsumer.Until(() => first.Assignment.Count == 1 && second.Assignment.Count == 1, "a new generation splits the partitions");

        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers, TransactionalId = "eos-copier",
        }).Build();
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        producer.BeginTransaction();
        var offsets = new[] { new TopicPartitionOffset("input", 0, 1) };
        var refused = Assert.ThrowsAny<KafkaException>(() => producer.SendOffsetsToTransaction(offsets, stale, TimeSpan.FromSeconds(30)));
        Assert.Equal(ErrorCode.IllegalGeneration, refused.Error.Code);
        producer.AbortTransaction(TimeSpan.FromSeconds(30));

        producer.BeginTransaction();
        producer.SendOffsetsToTransaction(offsets, first.Consumer.ConsumerGroupMetadata, TimeSpan.FromSeconds(30));
        producer.CommitTransaction(TimeSpan.FromSeconds(30));
        var committed = first.Consumer.Committed([new TopicPartition("input", 0)], TimeSpan.FromSeconds(30)).Single();
        Assert.Equal(1L, committed.Offset.Value);
    }
}
