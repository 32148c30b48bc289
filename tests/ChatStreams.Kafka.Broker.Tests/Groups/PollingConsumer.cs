using Confluent.Kafka;

namespace ChatStreams.Kafka.Broker.Tests.Groups;

/// <summary>
/// A real librdkafka group consumer polling on its own task, as an application would. Rebalance callbacks
/// run in that loop; the current assignment and the number of revocations are published for the test.
/// </summary>
public sealed class PollingConsumer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private volatile TopicPartition[] _assignment = [];
    private int _revocations;
    private int _received;

    public PollingConsumer(string bootstrapServers, string groupId, string topic, PartitionAssignmentStrategy assignor,
        string? groupInstanceId = null, int sessionTimeoutMs = 6000)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = groupId,
            GroupInstanceId = groupInstanceId,
            PartitionAssignmentStrategy = assignor,
            SessionTimeoutMs = sessionTimeoutMs,
            HeartbeatIntervalMs = 250,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        Consumer = new ConsumerBuilder<string, string>(config)
            .SetPartitionsRevokedHandler((_, revoked) =>
            {
                if (revoked.Count > 0) Interlocked.Increment(ref _revocations);
            })
            .Build();
        Consumer.Subscribe(topic);
        _loop = Task.Factory.StartNew(Poll, TaskCreationOptions.LongRunning);
    }

    public IConsumer<string, string> Consumer { get; }
    public IReadOnlyList<TopicPartition> Assignment => _assignment;
    public int Revocations => Volatile.Read(ref _revocations);
    public int Received => Volatile.Read(ref _received);

    private void Poll()
    {
        while (!_stop.IsCancellationRequested)
        {
            var record = Consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (record is not null) Interlocked.Increment(ref _received);
            _assignment = Consumer.Assignment.ToArray();
        }
    }

    /// <summary>Stops polling, then closes the consumer (a dynamic member leaves the group; a static one does not).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        await _loop;
        Consumer.Close();
        Consumer.Dispose();
    }

    /// <summary>Waits for a condition, failing with <paramref name="what"/> if it does not hold within the limit.</summary>
    public static async Task Until(Func<bool> condition, string what, int seconds = 45)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out after {seconds} s waiting until {what}");
            await Task.Delay(100);
        }
    }
}
