using ChatStreams.Kafka.Broker.Tests.Support;
using Confluent.Kafka;

namespace ChatStreams.Kafka.Broker.Tests.Client;

/// <summary>Transactions as librdkafka drives them: read_committed never sees aborted or open data; zombies are fenced.</summary>
public sealed class TransactionTests
{
    private static IProducer<string, string> Transactional(string bootstrap, string id, int timeoutMs = 60_000)
    {
        var p = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = bootstrap, TransactionalId = id, TransactionTimeoutMs = timeoutMs, LingerMs = 1,
        }).Build();
        p.InitTransactions(TimeSpan.FromSeconds(30));
        return p;
    }

    private static List<string> Values(string bootstrap, string topic, int partitions, IsolationLevel isolation, TimeSpan wait)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = "reader", IsolationLevel = isolation, EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var values = new List<string>();
        var eof = new HashSet<int>();
        var deadline = DateTime.UtcNow + wait;
        while (DateTime.UtcNow < deadline && eof.Count < partitions)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null) continue;
            if (r.IsPartitionEOF) { eof.Add(r.Partition.Value); continue; }
            eof.Remove(r.Partition.Value);
            values.Add(r.Message.Value);
        }
        return values;
    }

    [Fact]
    public async Task Read_committed_sees_committed_and_never_aborted_records()
    {
        await using var broker = await InProcessBroker.StartAsync();
        await broker.CreateTopicAsync("txn", 3);
        using var producer = Transactional(broker.BootstrapServers, "txn-1");
        for (var t = 0; t < 10; t++)
        {
            producer.BeginTransaction();
            for (var i = 0; i < 30; i++)
                producer.Produce("txn", new Message<string, string> { Key = $"k{i}", Value = $"t{t}-{i}" });
            // Flush first: librdkafka purges still-queued messages on abort, and the test needs aborted data in the log.
            producer.Flush(TimeSpan.FromSeconds(30));
            if (t % 2 == 0) producer.CommitTransaction(TimeSpan.FromSeconds(30));
            else producer.AbortTransaction(TimeSpan.FromSeconds(30));
        }

        var committed = Values(broker.BootstrapServers, "txn", 3, IsolationLevel.ReadCommitted, TimeSpan.FromSeconds(20));
        Assert.Equal(150, committed.Count);
        Assert.All(committed, v => Assert.True(int.Parse(v[1..v.IndexOf('-')]) % 2 == 0, $"aborted record {v} was delivered"));
        var everything = Values(broker.BootstrapServers, "txn", 3, IsolationLevel.ReadUncommitted, TimeSpan.FromSeconds(20));
        Assert.Equal(300, everything.Count);
    }

    [Fact]
    public async Task An_open_transaction_blocks_read_committed_at_its_first_offset()
    {
        await using var broker = await InProcessBroker.StartAsync();
        await broker.CreateTopicAsync("lso", 1);
        using var plain = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build();
        await plain.ProduceAsync("lso", new Message<string, string> { Key = "a", Value = "before" });
        using var producer = Transactional(broker.BootstrapServers, "txn-open");
        producer.BeginTransaction();
        producer.Produce("lso", new Message<string, string> { Key = "b", Value = "open" });
        producer.Flush(TimeSpan.FromSeconds(10));
        await plain.ProduceAsync("lso", new Message<string, string> { Key = "c", Value = "after" });

        var visible = Values(broker.BootstrapServers, "lso", 1, IsolationLevel.ReadCommitted, TimeSpan.FromSeconds(5));
        Assert.Equal(["before"], visible);
        producer.CommitTransaction(TimeSpan.FromSeconds(30));
        visible = Values(broker.BootstrapServers, "lso", 1, IsolationLevel.ReadCommitted, TimeSpan.FromSeconds(10));
        Assert.Equal(["before", "open", "after"], visible);
    }

    [Fact]
    public async Task A_new_instance_fences_the_old_one_and_aborts_its_open_transaction()
    {
        await using var broker = await InProcessBroker.StartAsync();
        await broker.CreateTopicAsync("fence", 1);
        using var zombie = Transactional(broker.BootstrapServers, "same-id");
        zombie.BeginTransaction();
        zombie.Produce("fence", new Message<string, string> { Key = "k", Value = "zombie" });
        zombie.Flush(TimeSpan.FromSeconds(10));

        using var successor = Transactional(broker.BootstrapServers, "same-id");
        successor.BeginTransaction();
        successor.Produce("fence", new Message<string, string> { Key = "k", Value = "successor" });
        successor.CommitTransaction(TimeSpan.FromSeconds(30));

        var error = Assert.ThrowsAny<KafkaException>(() => zombie.CommitTransaction(TimeSpan.FromSeconds(30)));
        Assert.True(error.Error.IsFatal || error.Error.Code is ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch,
            $"expected fencing, got {error.Error.Code}: {error.Error.Reason}");
        Assert.Equal(["successor"], Values(broker.BootstrapServers, "fence", 1, IsolationLevel.ReadCommitted, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_transactional_append_is_acknowledged_before_its_fsync_and_the_commit_makes_it_durable()
    {
        await using var broker = await InProcessBroker.StartAsync();
        await broker.CreateTopicAsync("durable", 1);
        var log = broker.Broker.Catalog.Find("durable")!.Partition(0)!.Log;
        using var producer = Transactional(broker.BootstrapServers, "durable-1");
        producer.BeginTransaction();
        for (var i = 0; i < 20; i++) producer.Produce("durable", new Message<string, string> { Key = "k", Value = $"first-{i}" });
        producer.Flush(TimeSpan.FromSeconds(30));
        // Acknowledged (acks=all) yet not on disk: nothing reads it before the commit.
        Assert.Equal(20, log.LogEndOffset);
        Assert.Equal(0, log.DurableOffset);

        producer.CommitTransaction(TimeSpan.FromSeconds(30));
        // The commit was answered only once the records were on disk; the marker (offset 20) follows in the background.
        Assert.True(log.DurableOffset >= 20, $"committed records not durable: durable offset {log.DurableOffset}");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (log.DurableOffset < 21 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(21, log.DurableOffset);

        // The next transaction of the same producer starts at once (its first request waits for the completion).
        producer.BeginTransaction();
        producer.Produce("durable", new Message<string, string> { Key = "k", Value = "second" });
        producer.CommitTransaction(TimeSpan.FromSeconds(30));
        var visible = Values(broker.BootstrapServers, "durable", 1, IsolationLevel.ReadCommitted, TimeSpan.FromSeconds(20));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"first-{i}").Append("second"), visible);
    }

    [Fact]
    public async Task After_an_abort_the_next_transaction_waits_for_its_markers_and_only_it_is_visible()
    {
        await using var broker = await InProcessBroker.StartAsync();
        await broker.CreateTopicAsync("aborted", 1);
        var log = broker.Broker.Catalog.Find("aborted")!.Partition(0)!.Log;
        using var producer = Transactional(broker.BootstrapServers, "aborted-1");
        producer.BeginTransaction();
        for (var i = 0; i < 5; i++) producer.Produce("aborted", new Message<string, string> { Key = "k", Value = $"gone-{i}" });
        producer.Flush(TimeSpan.FromSeconds(30));
        producer.AbortTransaction(TimeSpan.FromSeconds(30));
        producer.BeginTransaction();
        producer.Produce("aborted", new Message<string, string> { Key = "k", Value = "kept" });
        producer.CommitTransaction(TimeSpan.FromSeconds(30));
        Assert.True(log.DurableOffset >= 7, $"durable offset {log.DurableOffset}: the commit must cover the abort marker and its own record");
        Assert.Equal(["kept"], Values(broker.BootstrapServers, "aborted", 1, IsolationLevel.ReadCommitted, TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task A_transaction_open_at_a_restart_is_aborted_and_read_committed_moves_past_it()
    {
        // The coordinator keeps an open transaction's partitions in memory only; here one transaction's state reached
        // the file (another producer's commit wrote the file while it was open on partition 0) and then grew to
        // partitions 1 and 2 in memory. After the restart nothing of it may be visible, and no partition may stay
        // blocked at its first offset.
        await using var broker = await InProcessBroker.StartAsync();
        await broker.CreateTopicAsync("restart", 3);
        using var open = Transactional(broker.BootstrapServers, "open-at-stop");
        open.BeginTransaction();
        open.Produce(new TopicPartition("restart", 0), new Message<string, string> { Key = "k", Value = "open-0" });
        open.Flush(TimeSpan.FromSeconds(10));
        using (var other = Transactional(broker.BootstrapServers, "committer"))
        {
            other.BeginTransaction();
            for (var p = 0; p < 3; p++) other.Produce(new TopicPartition("restart", p), new Message<string, string> { Key = "k", Value = $"committed-{p}" });
            other.CommitTransaction(TimeSpan.FromSeconds(30));
        }
        for (var p = 1; p < 3; p++) open.Produce(new TopicPartition("restart", p), new Message<string, string> { Key = "k", Value = $"open-{p}" });
        open.Flush(TimeSpan.FromSeconds(10));

        await broker.RestartAsync();

        var visible = Values(broker.BootstrapServers, "restart", 3, IsolationLevel.ReadCommitted, TimeSpan.FromSeconds(20));
        Assert.Equal(["committed-0", "committed-1", "committed-2"], visible.Order());
        // The transactional id starts over with a new instance, which commits normally.
        using var successor = Transactional(broker.BootstrapServers, "open-at-stop");
        successor.BeginTransaction();
        successor.Produce(new TopicPartition("restart", 1), new Message<string, string> { Key = "k", Value = "after" });
        successor.CommitTransaction(TimeSpan.FromSeconds(30));
        Assert.Contains("after", Values(broker.BootstrapServers, "restart", 3, IsolationLevel.ReadCommitted, TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task A_transaction_past_its_timeout_is_aborted_by_the_broker()
    {
        await using var broker = await InProcessBroker.StartAsync(configure: o => o.HousekeepingIntervalMs = 100);
        await broker.CreateTopicAsync("slow", 1);
        using var producer = Transactional(broker.BootstrapServers, "slow-txn", timeoutMs: 1000);
        producer.BeginTransaction();
        producer.Produce("slow", new Message<string, string> { Key = "k", Value = "too-late" });
        producer.Flush(TimeSpan.FromSeconds(10));
        await Task.Delay(2500);
        Assert.ThrowsAny<KafkaException>(() => producer.CommitTransaction(TimeSpan.FromSeconds(30)));
        // The stable offset moved past the aborted data: read_committed readers are not blocked.
        Assert.Empty(Values(broker.BootstrapServers, "slow", 1, IsolationLevel.ReadCommitted, TimeSpan.FromSeconds(5)));
        var partition = broker.Broker.Catalog.Find("slow")!.Partition(0)!;
        Assert.Equal(partition.HighWatermark, partition.LastStableOffset);
    }

    [Fact]
    public async Task Consume_transform_produce_commits_offsets_in_the_transaction()
    {
        await using var broker = await InProcessBroker.StartAsync();
        await broker.CreateTopicAsync("in", 2);
        await broker.CreateTopicAsync("out", 2);
        using (var p = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, EnableIdempotence = true }).Build())
        {
            for (var i = 0; i < 100; i++) p.Produce("in", new Message<string, string> { Key = $"k{i}", Value = $"{i}" });
            p.Flush(TimeSpan.FromSeconds(30));
        }
        var consumerConfig = new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers, GroupId = "copier", EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadCommitted, AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        using (var consumer = new ConsumerBuilder<string, string>(consumerConfig).Build())
        using (var producer = Transactional(broker.BootstrapServers, "copier-1"))
        {
            consumer.Subscribe("in");
            var copied = 0;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (copied < 60 && DateTime.UtcNow < deadline)
            {
                var r = consumer.Consume(TimeSpan.FromMilliseconds(500));
                if (r is null) continue;
                producer.BeginTransaction();
                producer.Produce("out", new Message<string, string> { Key = r.Message.Key, Value = r.Message.Value });
                producer.SendOffsetsToTransaction([new TopicPartitionOffset(r.TopicPartition, r.Offset + 1)], consumer.ConsumerGroupMetadata, TimeSpan.FromSeconds(30));
                producer.CommitTransaction(TimeSpan.FromSeconds(30));
                copied++;
            }
            Assert.Equal(60, copied);
            consumer.Close();
        }
        // A new consumer of the group resumes after the 60 committed records.
        using (var consumer = new ConsumerBuilder<string, string>(consumerConfig).Build())
        {
            var committed = consumer.Committed(Enumerable.Range(0, 2).Select(p => new TopicPartition("in", p)), TimeSpan.FromSeconds(10));
            Assert.Equal(60, committed.Sum(c => c.Offset.Value));
        }
        Assert.Equal(60, Values(broker.BootstrapServers, "out", 2, IsolationLevel.ReadCommitted, TimeSpan.FromSeconds(10)).Count);
    }
}
