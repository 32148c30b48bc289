using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Streams.Runtime;

/// <summary>
/// Applies the deserialization error policy to an input record that cannot be read: either the raw record goes to the
/// dead-letter topic with the reason in headers (and processing continues), or the task fails naming the record.
/// </summary>
internal sealed class StreamTaskDeadLetters(StreamTaskContext task, DeserializationErrorPolicy policy, string deadLetterTopic)
{
    public void Handle(string sourceName, string topic, ConsumeResult<byte[]?, byte[]?> raw, Exception error)
    {
        var partition = raw.Partition.Value;
        var offset = raw.Offset.Value;
        if (policy == DeserializationErrorPolicy.Fail)
            throw new StreamTaskException(task.TaskId, sourceName, task.CurrentRecord,
                $"task {task.TaskId}: source '{sourceName}' cannot deserialize the record at {topic}[{partition}]@{offset}: {error.Message}. " +
                $"Fix the producer of '{topic}', or set Streams:DeserializationErrors=DeadLetter to send such records to '{deadLetterTopic}' and go on.",
                error);

        var headers = new Headers();
        if (raw.Message.Headers is { } original)
            foreach (var h in original) headers.Add(h.Key, h.GetValueBytes());
        headers.Add(DeadLetterHeaders.Reason, Utf8($"{error.GetType().Name}: {error.Message}"));
        headers.Add(DeadLetterHeaders.Topic, Utf8(topic));
        headers.Add(DeadLetterHeaders.Partition, Utf8(partition.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.Offset, Utf8(offset.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.TaskId, Utf8(task.TaskId.ToString()));
        task.Collector.Send(deadLetterTopic, null, raw.Message.Key, raw.Message.Value, headers, raw.Message.Timestamp.UnixTimestampMs);
        task.Logger.LogWarning(error, "Task {TaskId}: record {Topic}[{Partition}]@{Offset} cannot be deserialized by source {Source}; sent to dead-letter topic {DeadLetterTopic}",
            task.TaskId, topic, partition, offset, sourceName, deadLetterTopic);
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
