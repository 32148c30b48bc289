using System.Diagnostics;
using Confluent.Kafka;

namespace ChatStreams.Bench.Measurement;

/// <summary>What one consume pass measured.</summary>
/// <param name="FirstRecordAfter">From Assign() to the first record: connection, metadata, offset lookup and first fetch.</param>
/// <param name="Streaming">From the first record to the last.</param>
public sealed record ConsumeResult(int Records, long PayloadBytes, TimeSpan FirstRecordAfter, TimeSpan Streaming)
{
    /// <summary>
    /// Records per second while streaming (first record to last). The start-up before the first record is
    /// about half a second for every target (the client's, not the broker's), so it is reported apart.
    /// </summary>
    public double RecordsPerSecond => Records <= 1 || Streaming <= TimeSpan.Zero ? 0 : (Records - 1) / Streaming.TotalSeconds;
}

/// <summary>
/// Reads every record of a topic back with one consumer that assigns all partitions from the beginning
/// (no group join, so no rebalance time is measured), read_committed like the system's consumers.
/// </summary>
public sealed class ConsumePass(string bootstrapServers, string topic, int partitions, int expectedRecords)
{
    /// <summary>How long the pass may go without a record before the broker counts as stalled.</summary>
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(30);

    public ConsumeResult Run(Action<string>? progress = null)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            ClientId = "chatstreams-bench-consumer",
            GroupId = $"chatstreams-bench-{Guid.NewGuid():N}", // required by the client; never joined or committed
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            IsolationLevel = IsolationLevel.ReadCommitted,
        };
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(config).Build();

        var count = 0;
        long bytes = 0;
        var firstRecordAfter = TimeSpan.Zero;
        var sinceLastRecord = Stopwatch.StartNew();
        var reportEvery = Stopwatch.StartNew();
        var started = Stopwatch.GetTimestamp();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        while (count < expectedRecords)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                if (sinceLastRecord.Elapsed > StallTimeout)
                    throw new TimeoutException($"Consumed {count:N0} of {expectedRecords:N0} records, then nothing for {StallTimeout.TotalSeconds:N0} s: records are missing or the broker stalled.");
                continue;
            }
            if (count++ == 0) firstRecordAfter = Stopwatch.GetElapsedTime(started);
            bytes += result.Message.Value.Length;
            sinceLastRecord.Restart();
            if (reportEvery.ElapsedMilliseconds >= 2000)
            {
                progress?.Invoke($"consumed {count:N0} of {expectedRecords:N0}");
                reportEvery.Restart();
            }
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        consumer.Close();
        return new ConsumeResult(count, bytes, firstRecordAfter, elapsed - firstRecordAfter);
    }
}
