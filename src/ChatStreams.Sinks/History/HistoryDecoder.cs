using ChatStreams.Contracts;
using chatstreams.v1;
using Confluent.Kafka;
using Confluent.SchemaRegistry;

namespace ChatStreams.Sinks.History;

/// <summary>
/// Reads chat.events and chat.receipts with the contract serdes. Rejections and dedup notices take no position in a
/// conversation and are not history; bytes Avro cannot read, or a schema the registry does not have, are poison.
/// </summary>
public sealed class HistoryDecoder(ChatSerdes serdes) : ISinkDecoder<HistoryRecord>
{
    private readonly IAsyncDeserializer<ChatEvent> _events = serdes.Deserializer<ChatEvent>();
    private readonly IAsyncDeserializer<ReceiptUpdate> _receipts = serdes.Deserializer<ReceiptUpdate>();

    public IReadOnlyList<string> Topics { get; } = [ChatStreams.Contracts.Topics.ChatEvents, ChatStreams.Contracts.Topics.ChatReceipts];

    public async Task<HistoryRecord?> DecodeAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken ct)
    {
        if (record.Message.Value is not { } value) return null;
        var context = new SerializationContext(MessageComponentType.Value, record.Topic, record.Message.Headers);
        try
        {
            if (record.Topic == ChatStreams.Contracts.Topics.ChatReceipts)
                return new HistoryReceiptRecord(await _receipts.DeserializeAsync(value, false, context));
            var e = await _events.DeserializeAsync(value, false, context);
            return e.Payload is CommandRejected or CommandDeduplicated || e.Seq <= 0 ? null : new HistoryEventRecord(e);
        }
        catch (Exception e) when (e is InvalidDataException or Avro.AvroException or ArgumentException or InvalidCastException or FormatException
                                   or SchemaRegistryException { Status: System.Net.HttpStatusCode.NotFound })
        {
            throw new UnreadableRecordException(e.Message, e);
        }
    }
}
