using ChatStreams.Kafka.Broker.Tests.Support;
using Confluent.Kafka;

namespace ChatStreams.Kafka.Broker.Tests.Client;

/// <summary>
/// Many transactional producers committing on the same partitions at once, as the stream threads of several
/// topologies do. Regression: EndTxn wrote its markers (taking partition locks) while holding the coordinator's lock,
/// and a produce holds its partition's lock while it asks the coordinator: the two deadlocked and the broker hung.
/// </summary>
public sealed class ConcurrentTransactionTests
{
    private const int Producers = 6;
    private const int Transactions = 60;
    private const int RecordsPerTransaction = 20;

    [Fact]
    public async Task Producers_committing_on_shared_partitions_all_complete_and_every_committed_record_is_read_once()
    {
        var broker = await InProcessBroker.StartAsync();
        try
        {
            await RunAsync(broker);
        }
        finally
        {
            // A deadlocked broker never finishes stopping: give up after a while so the failure is reported.
            await Task.WhenAny(broker.DisposeAsync().AsTask(), Task.Delay(TimeSpan.FromSeconds(30)));
        }
    }

    private static async Task RunAsync(InProcessBroker broker)
    {
        await broker.CreateTopicAsync("shared", 2);

        var work = Enumerable.Range(0, Producers).Select(n => Task.Factory.StartNew(() =>
        {
            using var producer = new ProducerBuilder<string, string>(new ProducerConfig
            {
                BootstrapServers = broker.BootstrapServers, TransactionalId = $"writer-{n}", LingerMs = 0,
            }).Build();
            producer.InitTransactions(TimeSpan.FromSeconds(30));
            for (var t = 0; t < Transactions; t++)
            {
                producer.BeginTransaction();
                for (var i = 0; i < RecordsPerTransaction; i++)
                    producer.Produce("shared", new Message<string, string> { Key = $"k{i % 2}", Value = $"{n}-{t}-{i}" });
                // No flush: the commit races other producers' produce requests on the same two partitions.
                producer.CommitTransaction(TimeSpan.FromSeconds(30));
            }
        }, TaskCreationOptions.LongRunning)).ToList();

        // A hang here is the deadlock; the bound only turns it into a failure instead of a stuck test run.
        var all = Task.WhenAll(work);
        var finished = await Task.WhenAny(all, Task.Delay(TimeSpan.FromMinutes(3)));
        Assert.True(finished == all, "transactional producers did not finish within 3 minutes: the broker is stuck (lock-order deadlock?)");
        await all;

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers, GroupId = "reader", IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false, EnablePartitionEof = true,
        }).Build();
        consumer.Assign([new TopicPartitionOffset("shared", 0, Offset.Beginning), new TopicPartitionOffset("shared", 1, Offset.Beginning)]);
        var values = new List<string>();
        var eof = new HashSet<int>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (eof.Count < 2 && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null) continue;
            if (r.IsPartitionEOF) { eof.Add(r.Partition.Value); continue; }
            values.Add(r.Message.Value);
        }
        Assert.Equal(Producers * Transactions * RecordsPerTransaction, values.Count);
        Assert.Equal(values.Count, values.Distinct().Count());

        // The coordinator's state file is written by group commit (one rewrite covers every change before it): what
        // each producer was told last — its final commit — must be in it, not an earlier state of some other writer's.
        using var state = System.Text.Json.JsonDocument.Parse(
            ChatStreams.Kafka.Broker.Storage.SlottedStateFile.ReadLatest(Path.Combine(broker.Options.DataDirectory, "transactions.json"))!);
        var stored = state.RootElement.GetProperty("Transactions").EnumerateArray()
            .ToDictionary(t => t.GetProperty("TransactionalId").GetString()!, t => t.GetProperty("Status").ToString());
        for (var n = 0; n < Producers; n++)
            Assert.Equal(nameof(ChatStreams.Kafka.Broker.Transactions.TransactionStatus.CompleteCommit), TransactionStatusName(stored[$"writer-{n}"]));
    }

    /// <summary>The status as stored (a number, or a name if the file is written with enum names).</summary>
    private static string TransactionStatusName(string stored) =>
        int.TryParse(stored, out var number) ? ((ChatStreams.Kafka.Broker.Transactions.TransactionStatus)number).ToString() : stored;
}
