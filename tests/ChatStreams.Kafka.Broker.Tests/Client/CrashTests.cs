using System.Collections.Concurrent;
using ChatStreams.Kafka.Broker.Tests.Support;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ChatStreams.Kafka.Broker.Tests.Client;

/// <summary>Processes killed with SIGKILL: the broker itself, and exactly-once workers.</summary>
public sealed class CrashTests
{
    private static List<ConsumeResult<string, string>> ReadCommitted(string bootstrap, string topic, int partitions, int expected, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = "verifier-" + Guid.NewGuid(), IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var all = new List<ConsumeResult<string, string>>();
        var deadline = DateTime.UtcNow + timeout;
        while (all.Count < expected && DateTime.UtcNow < deadline)
            if (consumer.Consume(TimeSpan.FromMilliseconds(300)) is { IsPartitionEOF: false, Message: not null } r) all.Add(r);
        var idleUntil = DateTime.UtcNow.AddSeconds(1);
        while (DateTime.UtcNow < idleUntil)
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false, Message: not null } r) all.Add(r);
        return all;
    }

    [Fact]
    public async Task Broker_killed_mid_produce_keeps_every_acked_record_exactly_once()
    {
        using var data = new TempDirectory("broker-crash");
        using var broker = new BrokerProcess(data.Path);
        await broker.StartAsync();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "crash", NumPartitions = 4, ReplicationFactor = 1 }]);

        var acked = new ConcurrentDictionary<string, (int Partition, long Offset)>();
        var failed = new ConcurrentBag<string>();
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers, EnableIdempotence = true, Acks = Acks.All, LingerMs = 2,
            MessageTimeoutMs = 120_000, ReconnectBackoffMs = 50, ReconnectBackoffMaxMs = 500,
        }).Build();
        const int total = 30_000;
        var produced = 0;
        var kills = 0;
        for (var i = 0; i < total; i++)
        {
            var value = $"v{i}";
            producer.Produce("crash", new Message<string, string> { Key = $"k{i % 50}", Value = value }, report =>
            {
                if (report.Error.IsError) failed.Add($"{value}: {report.Error.Reason}");
                else if (!acked.TryAdd(value, (report.Partition.Value, report.Offset.Value))) failed.Add($"{value} acked twice");
            });
            produced++;
            if (i is 8_000 or 19_000)
            {
                // Kill the broker while batches are in flight, then bring it back on the same port and data.
                await Task.Delay(20);
                broker.Kill();
                kills++;
                await Task.Delay(300);
                await broker.StartAsync();
            }
        }
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(120)));
        Assert.Equal(2, kills);
        Assert.Empty(failed);
        Assert.Equal(total, acked.Count);

        var all = ReadCommitted(broker.BootstrapServers, "crash", 4, total, TimeSpan.FromSeconds(60));
        var byValue = all.GroupBy(r => r.Message.Value).ToDictionary(g => g.Key, g => g.ToList());
        Assert.All(acked, a =>
        {
            Assert.True(byValue.TryGetValue(a.Key, out var copies), $"acked record {a.Key} is missing");
            Assert.Single(copies!);
            Assert.Equal(a.Value, (copies![0].Partition.Value, copies[0].Offset.Value));
        });
        Assert.Equal(total, all.Count);
        // Offsets are dense per partition: nothing was lost in the middle and the log continued after recovery.
        foreach (var p in all.GroupBy(r => r.Partition.Value))
            Assert.Equal(Enumerable.Range(0, p.Count()).Select(x => (long)x), p.Select(r => r.Offset.Value));
    }

    [Fact]
    public async Task Exactly_once_copy_survives_repeated_kill_9_of_the_worker()
    {
        await using var broker = await InProcessBroker.StartAsync();
        await broker.CreateTopicAsync("eos-in", 4);
        await broker.CreateTopicAsync("eos-out", 4);
        const int total = 6_000;
        using (var p = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, EnableIdempotence = true }).Build())
        {
            for (var i = 0; i < total; i++) p.Produce("eos-in", new Message<string, string> { Key = $"k{i % 64}", Value = $"r{i}" });
            Assert.Equal(0, p.Flush(TimeSpan.FromSeconds(30)));
        }

        var random = new Random(7);
        for (var round = 0; round < 4; round++)
        {
            using var worker = ChildProcessRunner.Start("ChatStreams.Kafka.Broker.EosWorker.dll",
                broker.BootstrapServers, "eos-in", "eos-out", "eos-group", "eos-worker");
            await worker.WaitForLineAsync(l => l.StartsWith("copied", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            await Task.Delay(random.Next(50, 400));
            worker.Kill();
        }
        using (var last = ChildProcessRunner.Start("ChatStreams.Kafka.Broker.EosWorker.dll",
                   broker.BootstrapServers, "eos-in", "eos-out", "eos-group", "eos-worker"))
        {
            var output = ReadCommitted(broker.BootstrapServers, "eos-out", 4, total, TimeSpan.FromSeconds(120));
            var counts = output.GroupBy(r => r.Message.Value).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(total, counts.Count);
            Assert.All(counts, c => Assert.Equal(1, c.Value));
            // Per key the copy preserves the input order.
            foreach (var byKey in output.GroupBy(r => r.Message.Key))
            {
                var seq = byKey.OrderBy(r => r.Offset.Value).Select(r => int.Parse(r.Message.Value[1..])).ToList();
                Assert.Equal(seq.OrderBy(x => x), seq);
            }
        }
    }

    [Fact]
    public async Task A_group_of_three_worker_processes_loses_one_to_kill_9_and_the_others_finish_exactly_once()
    {
        await using var broker = await InProcessBroker.StartAsync(configure: o => o.HousekeepingIntervalMs = 200);
        await broker.CreateTopicAsync("group-in", 12);
        await broker.CreateTopicAsync("group-out", 12);
        const int half = 6_000, total = 2 * half;
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, EnableIdempotence = true }).Build();
        void ProduceRange(int from, int to)
        {
            for (var i = from; i < to; i++) producer.Produce("group-in", new Message<string, string> { Key = $"k{i % 120}", Value = $"r{i}" });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }
        ProduceRange(0, half);
        var workers = new[] { "a", "b", "c" }.Select(id => ChildProcessRunner.Start("ChatStreams.Kafka.Broker.EosWorker.dll",
            broker.BootstrapServers, "group-in", "group-out", "three", "worker-" + id)).ToList();
        try
        {
            foreach (var w in workers) await w.WaitForLineAsync(l => l == "ready", TimeSpan.FromSeconds(60));
            // Kill a worker that owns partitions (it has copied something), whichever got them first.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            ChildProcessRunner? victim = null;
            while (victim is null && DateTime.UtcNow < deadline)
            {
                victim = workers.FirstOrDefault(w => w.Output.Any(l => l.StartsWith("copied", StringComparison.Ordinal)));
                if (victim is null) await Task.Delay(50);
            }
            Assert.NotNull(victim);
            victim.Kill(); // its partitions move to the others once its session times out
            // The second half arrives after the kill, so the survivors must take over to finish.
            ProduceRange(half, total);

            var output = ReadCommitted(broker.BootstrapServers, "group-out", 12, total, TimeSpan.FromSeconds(120));
            var counts = output.GroupBy(r => r.Message.Value).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(total, counts.Count);
            Assert.All(counts, c => Assert.Equal(1, c.Value));
            Assert.All(workers.Where(w => w != victim), w => Assert.False(w.HasExited, "a surviving worker died"));
        }
        finally
        {
            foreach (var w in workers) w.Dispose();
        }
    }
}
