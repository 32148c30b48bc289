namespace ChatStreams.Streams.Runtime;

/// <summary>What happens to an input record that cannot be deserialized.</summary>
public enum DeserializationErrorPolicy
{
    /// <summary>Write it unchanged to the dead-letter topic with the reason in headers, then continue.</summary>
    DeadLetter,

    /// <summary>Stop the stream thread (the application stops; an operator must act).</summary>
    Fail,
}

/// <summary>Header names put on dead-letter records.</summary>
public static class DeadLetterHeaders
{
    public const string Reason = "chatstreams.dlq.reason";
    public const string Topic = "chatstreams.dlq.topic";
    public const string Partition = "chatstreams.dlq.partition";
    public const string Offset = "chatstreams.dlq.offset";
    public const string TaskId = "chatstreams.dlq.task";
}
