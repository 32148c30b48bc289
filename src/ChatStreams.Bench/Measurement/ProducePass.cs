using System.Diagnostics;
using Confluent.Kafka;

namespace ChatStreams.Bench.Measurement;

/// <summary>What one produce pass measured.</summary>
/// <param name="CommitTime">
/// Time spent in CommitTransaction() after a Flush() had every record of the transaction acknowledged: the
/// EndTxn round trip (decision, markers) alone; zero without transactions.
/// </param>
public sealed record ProduceResult(int Records, long PayloadBytes, TimeSpan Elapsed, LatencySummary Latency, TimeSpan CommitTime)
{
    public double RecordsPerSecond => Records / Elapsed.TotalSeconds;

    /// <summary>Payload megabytes (10^6 bytes) per second; Kafka's batch and record headers are not counted.</summary>
    public double MegabytesPerSecond => PayloadBytes / 1e6 / Elapsed.TotalSeconds;
}

/// <summary>
/// Produces <c>records</c> values of <c>recordSize</c> bytes round-robin over the partitions with one
/// Confluent.Kafka producer, as the system's edges do: idempotent, acks=all, linger 5 ms, here without
/// compression so the broker's own cost is what is measured. Optionally transactional, committing every
/// <c>transactionBatch</c> records. Throughput runs from the first Produce() call to the last delivery
/// report; each record's latency from its Produce() call to its delivery report.
/// </summary>
public sealed class ProducePass(string bootstrapServers, string topic, int partitions, int records, int recordSize, int transactionBatch = 0)
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromMinutes(2);

    public ProduceResult Run(Action<string>? progress = null)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            ClientId = "chatstreams-bench-producer",
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            CompressionType = CompressionType.None,
            MaxInFlight = 5,
        };
        if (transactionBatch > 0) config.TransactionalId = $"chatstreams-bench-{Guid.NewGuid():N}";

        var payload = new byte[recordSize];
        Random.Shared.NextBytes(payload); // random bytes: nothing along the way can shrink them
        var message = new Message<Null, byte[]> { Value = payload };
        var targets = Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)).ToArray();
        var tracker = new DeliveryTracker(records);

        using var producer = new ProducerBuilder<Null, byte[]>(config).Build();
        if (transactionBatch > 0)
        {
            producer.InitTransactions(TimeSpan.FromSeconds(30));
            producer.BeginTransaction();
        }

        var reportEvery = Stopwatch.StartNew();
        var committing = new Stopwatch();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < records; i++)
        {
            var slot = i;
            while (true)
            {
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    producer.Produce(targets[i % partitions], message, report => tracker.Delivered(slot, sent, report.Error));
                    break;
                }
                catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    // librdkafka's queue (100,000 messages) is full: wait for deliveries to make room.
                    Thread.Sleep(1);
                }
            }
            if (transactionBatch > 0 && (i + 1) % transactionBatch == 0)
            {
                Commit(producer, committing);
                if (i + 1 < records) producer.BeginTransaction();
            }
            if (reportEvery.ElapsedMilliseconds >= 2000)
            {
                progress?.Invoke($"produced {i + 1:N0} of {records:N0}, {tracker.DeliveredCount:N0} delivered");
                reportEvery.Restart();
            }
        }
        if (transactionBatch > 0 && records % transactionBatch != 0) Commit(producer, committing);
        producer.Flush(DeliveryTimeout);
        var last = tracker.WaitForAll(DeliveryTimeout);

        return new ProduceResult(records, (long)records * recordSize,
            Stopwatch.GetElapsedTime(started, last), LatencySummary.FromStopwatchTicks(tracker.Latencies), committing.Elapsed);
    }

    /// <summary>
    /// CommitTransaction() flushes first anyway; flushing explicitly splits the time into waiting for the
    /// records' acks and the commit itself, which is what <paramref name="committing"/> times.
    /// </summary>
    private static void Commit(IProducer<Null, byte[]> producer, Stopwatch committing)
    {
        producer.Flush(DeliveryTimeout);
        committing.Start();
        producer.CommitTransaction();
        committing.Stop();
    }
}
