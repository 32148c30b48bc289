using System.Text;
using Confluent.Kafka;

namespace ChatStreams.Kafka.Generations;

/// <summary>
/// The record the rescale procedure appends to every partition of an old generation once producers write the next
/// one: no key, no value, a header naming the successor topic. Every old-generation record of that partition
/// precedes it; a processor that reaches it knows the partition is done and forwards anything after it.
/// </summary>
public static class CutoverMarker
{
    /// <summary>Header with the successor topic's name (UTF-8).</summary>
    public const string Header = "chatstreams.cutover";

    public static Message<byte[]?, byte[]?> Create(string successorTopic) => new()
    {
        Key = null,
        Value = null,
        Headers = new Headers { { Header, Encoding.UTF8.GetBytes(successorTopic) } },
    };

    /// <summary>True when the headers mark a cutover; <paramref name="successorTopic"/> is the topic that follows.</summary>
    public static bool TryRead(Headers? headers, out string successorTopic)
    {
        successorTopic = "";
        if (headers is null || !headers.TryGetLastBytes(Header, out var bytes)) return false;
        successorTopic = Encoding.UTF8.GetString(bytes);
        return true;
    }
}
