using ChatStreams.Streams.Processor;

namespace ChatStreams.Streams.Runtime;

/// <summary>
/// A task could not go on (Kafka Streams' StreamsException): a processor or punctuator threw, a record could not be
/// deserialized under <see cref="DeserializationErrorPolicy.Fail"/>, or a store failed. Says which task, which
/// processor and which input record; the original error is the inner exception.
/// </summary>
public sealed class StreamTaskException : Exception
{
    public StreamTaskException(TaskId taskId, string? processorName, RecordMetadata? record, string message, Exception? inner = null)
        : base(message, inner)
    {
        TaskId = taskId;
        ProcessorName = processorName;
        Record = record;
    }

    public TaskId TaskId { get; }

    /// <summary>The processor, source, sink or store involved, when known.</summary>
    public string? ProcessorName { get; }

    /// <summary>The input record being processed (null inside a punctuation or outside processing).</summary>
    public RecordMetadata? Record { get; }
}
