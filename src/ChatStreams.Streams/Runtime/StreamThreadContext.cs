using ChatStreams.Streams.Metrics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Streams.Runtime;

/// <summary>What the stream threads of one KafkaStreams instance share (all thread-safe or read-only).</summary>
internal sealed record StreamThreadContext(
    StreamsConfig Config,
    TopicLayout Layout,
    StreamTaskFactory TaskFactory,
    StateDirectory StateDirectory,
    IAdminClient Admin,
    StreamsMetrics Metrics,
    ILoggerFactory Loggers,
    TimeProvider Time,
    OnDemandTopicCreator? OnDemandTopics);
