using Confluent.Kafka;

// Usage: EosWorker <bootstrap> <input> <output> <group> <transactional-id>
// Copies every input record to the output topic as "<value>" in transactions of up to 50 records, committing the
// consumed offsets in the same transaction (EOS v2: SendOffsetsToTransaction with the consumer's group metadata).
if (args.Length != 5)
{
    Console.Error.WriteLine("usage: EosWorker <bootstrap> <input> <output> <group> <transactional-id>");
    return 2;
}
var (bootstrap, input, output, group, transactionalId) = (args[0], args[1], args[2], args[3], args[4]);

using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
{
    BootstrapServers = bootstrap,
    GroupId = group,
    EnableAutoCommit = false,
    IsolationLevel = IsolationLevel.ReadCommitted,
    AutoOffsetReset = AutoOffsetReset.Earliest,
    SessionTimeoutMs = 6000,
}).Build();
using var producer = new ProducerBuilder<string, string>(new ProducerConfig
{
    BootstrapServers = bootstrap,
    TransactionalId = transactionalId,
    TransactionTimeoutMs = 10_000,
    LingerMs = 2,
}).Build();

producer.InitTransactions(TimeSpan.FromSeconds(60));
consumer.Subscribe(input);
Console.WriteLine("ready");
long copied = 0;
while (true)
{
    var batch = new List<ConsumeResult<string, string>>();
    var first = consumer.Consume(TimeSpan.FromMilliseconds(500));
    if (first is null) continue;
    batch.Add(first);
    while (batch.Count < 50 && consumer.Consume(TimeSpan.Zero) is { } next) batch.Add(next);

    producer.BeginTransaction();
    foreach (var r in batch)
        producer.Produce(output, new Message<string, string> { Key = r.Message.Key, Value = r.Message.Value });
    var offsets = batch.GroupBy(r => r.TopicPartition)
        .Select(g => new TopicPartitionOffset(g.Key, g.Max(r => r.Offset.Value) + 1));
    producer.SendOffsetsToTransaction(offsets, consumer.ConsumerGroupMetadata, TimeSpan.FromSeconds(60));
    producer.CommitTransaction(TimeSpan.FromSeconds(60));
    copied += batch.Count;
    Console.WriteLine($"copied {copied}");
}
