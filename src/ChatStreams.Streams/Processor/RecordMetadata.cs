namespace ChatStreams.Streams.Processor;

/// <summary>Where the record being processed came from (null inside a punctuation).</summary>
public sealed record RecordMetadata(string Topic, int Partition, long Offset);
