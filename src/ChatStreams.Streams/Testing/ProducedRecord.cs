using Confluent.Kafka;

namespace ChatStreams.Streams.Testing;

/// <summary>A record a task wrote (sink, changelog or dead letter), kept by the driver until a test reads it.</summary>
internal sealed record ProducedRecord(string Topic, int Partition, long Offset, byte[]? Key, byte[]? Value, Headers Headers, long Timestamp);
