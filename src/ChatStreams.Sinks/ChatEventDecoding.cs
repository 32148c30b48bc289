using chatstreams.v1;
using Confluent.Kafka;
using Confluent.SchemaRegistry;

namespace ChatStreams.Sinks;

/// <summary>What every sink reading the contract topics shares: which events take a position, and what counts as poison.</summary>
public static class ChatEventDecoding
{
    /// <summary>
    /// Rejections and dedup notices take no position in a conversation (they carry the last seq) and change nothing;
    /// a sink keyed by (conversation, seq) skips them, and anything without a seq.
    /// </summary>
    public static bool TakesPosition(ChatEvent e) => TakesPosition(e.Payload?.GetType().Name, e.Seq);

    /// <summary>The same by the payload's record name (the class's and the Avro schema's).</summary>
    public static bool TakesPosition(string? payloadName, long seq) =>
        payloadName is not (nameof(CommandRejected) or nameof(CommandDeduplicated)) && seq > 0;

    /// <summary>
    /// Deserializes a record's value; bytes Avro cannot read, or a schema the registry does not have, become an
    /// <see cref="UnreadableRecordException"/> (poison: skipped). Other failures (registry unreachable) pass through
    /// and the runner decodes the record again later.
    /// </summary>
    public static async Task<T> DeserializeAsync<T>(IAsyncDeserializer<T> deserializer, ConsumeResult<byte[]?, byte[]?> record, byte[] value)
    {
        var context = new SerializationContext(MessageComponentType.Value, record.Topic, record.Message.Headers);
        try
        {
            return await deserializer.DeserializeAsync(value, false, context);
        }
        catch (Exception e) when (e is InvalidDataException or Avro.AvroException or ArgumentException or InvalidCastException or FormatException
                                   or SchemaRegistryException { Status: System.Net.HttpStatusCode.NotFound })
        {
            throw new UnreadableRecordException(e.Message, e);
        }
    }
}
