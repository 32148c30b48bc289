using ChatStreams.Kafka.Broker.Tests.Support;
using Confluent.Kafka;

namespace ChatStreams.Kafka.Broker.Tests.Client;

/// <summary>
/// The broker's injected request faults (Broker:Faults, used by the fault campaign) against real clients: connections
/// dropped before a request is read and after it took effect but before its answer left. librdkafka retries; the
/// broker's idempotence (producer id + sequence) and transaction state must turn every retry into "already done", so
/// every record is read exactly once and in order.
/// </summary>
public sealed class RequestFaultTests
{
    [Fact]
    public async Task An_idempotent_producer_whose_answers_are_lost_writes_every_record_once_in_order()
    {
        await using var broker = await InProcessBroker.StartAsync(configure: o => o.Faults.Seed = 42);
        await broker.CreateTopicAsync("faulty", 1);
        // Faults from here on (the rates are read per request): the topic is set up without them.
        broker.Options.Faults.DropBeforeRate = 0.05;
        broker.Options.Faults.DropAfterRate = 0.1;
        broker.Options.Faults.DelayRate = 0.05;
        broker.Options.Faults.DelayMs = 50;

        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers, EnableIdempotence = true, LingerMs = 0, MessageTimeoutMs = 120_000,
        }).Build())
        {
            // In small flushed groups: many produce requests, so some of their answers are lost.
            for (var i = 0; i < 1000; i++)
            {
                producer.Produce("faulty", new Message<string, string> { Key = "k", Value = i.ToString() });
                if (i % 20 == 19) Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(120)));
            }
        }

        var values = ReadAll(broker, "faulty", IsolationLevel.ReadUncommitted);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => i.ToString()), values);
        Assert.True(broker.Broker.InjectedFaults.DropAfter > 0, "no answer was dropped: the test did not exercise retries");
    }

    [Fact]
    public async Task Transactions_whose_requests_and_answers_are_lost_commit_each_record_once()
    {
        await using var broker = await InProcessBroker.StartAsync(configure: o => o.Faults.Seed = 7);
        await broker.CreateTopicAsync("faulty-tx", 1);
        broker.Options.Faults.DropBeforeRate = 0.03;
        broker.Options.Faults.DropAfterRate = 0.03;

        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers, TransactionalId = "faulty-writer", LingerMs = 2,
        }).Build())
        {
            producer.InitTransactions(TimeSpan.FromSeconds(60));
            for (var t = 0; t < 30; t++)
            {
                producer.BeginTransaction();
                for (var i = 0; i < 10; i++) producer.Produce("faulty-tx", new Message<string, string> { Key = "k", Value = $"{t}-{i}" });
                producer.CommitTransaction(TimeSpan.FromSeconds(60));
            }
        }

        var values = ReadAll(broker, "faulty-tx", IsolationLevel.ReadCommitted);
        Assert.Equal(Enumerable.Range(0, 30).SelectMany(t => Enumerable.Range(0, 10).Select(i => $"{t}-{i}")), values);
        var (before, after, _) = broker.Broker.InjectedFaults;
        Assert.True(before + after > 0, "no fault was injected");
    }

    [Fact]
    public void Rates_outside_0_to_1_are_refused_with_the_setting_named()
    {
        var problems = new RequestFaultOptions { DropAfterRate = 1.5, DelayMs = -1 }.Validate();

        Assert.Contains(problems, p => p.Contains("Broker:Faults:DropAfterRate"));
        Assert.Contains(problems, p => p.Contains("Broker:Faults:DelayMs"));
        Assert.False(new RequestFaultOptions().Enabled);
    }

    private static List<string> ReadAll(InProcessBroker broker, string topic, IsolationLevel isolation)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers, GroupId = "reader-" + topic, IsolationLevel = isolation,
            EnableAutoCommit = false, EnablePartitionEof = true,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var values = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null) continue;
            if (r.IsPartitionEOF) break;
            values.Add(r.Message.Value);
        }
        return values;
    }
}
