using ChatStreams.Streams.Runtime;
using Confluent.Kafka;

namespace ChatStreams.Streams.Tests.Processor;

/// <summary>Keeps what a task sends, for tests that drive a task directly.</summary>
internal sealed class RecordingCollector : IRecordCollector
{
    public sealed record Sent(string Topic, int? Partition, byte[]? Key, byte[]? Value, Headers? Headers, long Timestamp);

    public List<Sent> Records { get; } = [];

    public void Send(string topic, int? partition, byte[]? key, byte[]? value, Headers? headers, long timestamp) =>
        Records.Add(new Sent(topic, partition, key, value, headers, timestamp));

    public List<Sent> To(string topic) => Records.Where(r => r.Topic == topic).ToList();
}

internal static class ConsumedRecords
{
    public static ConsumeResult<byte[]?, byte[]?> Record(string topic, int partition, long offset, byte[]? key, byte[]? value, long timestamp, Headers? headers = null) => new()
    {
        Topic = topic,
        Partition = partition,
        Offset = offset,
        Message = new Message<byte[]?, byte[]?> { Key = key, Value = value, Timestamp = new Timestamp(timestamp, TimestampType.CreateTime), Headers = headers ?? [] },
    };

    public static byte[] Utf8(string s) => System.Text.Encoding.UTF8.GetBytes(s);
}
