using ChatStreams.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Streams.Runtime;

/// <summary>The Kafka clients of a stream thread, with the settings the runtime relies on.</summary>
internal sealed partial class StreamThread
{
    private IConsumer<byte[]?, byte[]?> BuildConsumer()
    {
        var config = KafkaClientConfigs.Consumer(_config.Kafka, $"{Name}-consumer", _config.ApplicationId);
        // Range keeps partition i of every co-partitioned topic on the same member (see docs/streams-runtime.md, "Threads, tasks and the consumer group").
        config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range;
        config.AutoOffsetReset = AutoOffsetReset.Earliest;
        config.EnableAutoCommit = false;
        config.IsolationLevel = IsolationLevel.ReadCommitted;
        config.SessionTimeoutMs = _config.SessionTimeoutMs;
        config.HeartbeatIntervalMs = Math.Max(100, _config.SessionTimeoutMs / 4);
        return new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetPartitionsAssignedHandler(OnPartitionsAssigned)
            .SetPartitionsRevokedHandler(OnPartitionsRevoked)
            .SetPartitionsLostHandler(OnPartitionsLost)
            .SetLogHandler((_, m) => _logger.Log(LibrdkafkaLog.Level(m.Level), "consumer {Facility}: {Message}", m.Facility, m.Message))
            .SetErrorHandler((_, e) => _logger.Log(e.IsFatal ? LogLevel.Error : LogLevel.Warning, "consumer error {Code}: {Reason}", e.Code, e.Reason))
            .Build();
    }

    private IConsumer<byte[]?, byte[]?> BuildRestoreConsumer()
    {
        // Manual assignment only: the group id is never joined and nothing is committed with it.
        var config = KafkaClientConfigs.Consumer(_config.Kafka, $"{Name}-restore-consumer", $"{_config.ApplicationId}-restore");
        config.EnableAutoCommit = false;
        config.EnablePartitionEof = true;
        // The end of a changelog is noticed by an empty fetch: do not let the broker hold it long.
        config.FetchWaitMaxMs = 50;
        // Restoring reads one partition from start to end: large fetches, fewer round trips.
        config.MaxPartitionFetchBytes = 16 * 1024 * 1024;
        config.AutoOffsetReset = AutoOffsetReset.Earliest;
        config.IsolationLevel = IsolationLevel.ReadCommitted;
        return new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetLogHandler((_, m) => _logger.Log(LibrdkafkaLog.Level(m.Level), "restore consumer {Facility}: {Message}", m.Facility, m.Message))
            .SetErrorHandler((_, e) => _logger.Log(e.IsFatal ? LogLevel.Error : LogLevel.Warning, "restore consumer error {Code}: {Reason}", e.Code, e.Reason))
            .Build();
    }
}
