using System.Diagnostics;
using ChatStreams.Kafka;
using Confluent.Kafka;

namespace ChatStreams.Streams.Runtime;

/// <summary>
/// One span per processed input record ("process &lt;topic&gt;"), child of the trace context in the record's headers;
/// sink nodes write this span's context into the records they produce (<see cref="TraceHeaders.With"/>), so a trace
/// continues through every hop of a topology. Costs nothing when no one listens to the source.
/// </summary>
internal static class RecordTracing
{
    public const string SourceName = "ChatStreams.Streams";

    public static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartProcess(string applicationId, Processor.TaskId task, TopicPartition partition, ConsumeResult<byte[]?, byte[]?> raw)
    {
        if (!Source.HasListeners()) return null;
        var activity = Source.StartActivity($"process {partition.Topic}", ActivityKind.Consumer, TraceHeaders.Extract(raw.Message.Headers));
        if (activity is null) return null;
        TraceHeaders.Tag(activity, partition.Topic, partition.Partition.Value, raw.Offset.Value);
        activity.SetTag("messaging.consumer.group.name", applicationId);
        activity.SetTag("chatstreams.task", task.ToString());
        return activity;
    }
}
