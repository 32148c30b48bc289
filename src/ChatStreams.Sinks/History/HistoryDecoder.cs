using ChatStreams.Contracts;
using ChatStreams.Kafka.Generations;
using chatstreams.v1;
using Confluent.Kafka;

namespace ChatStreams.Sinks.History;

/// <summary>
/// Reads chat.events and chat.receipts (every generation of them, see SinkGenerations) with the contract serdes. Rejections and dedup notices take no position in a
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
        if (GenerationFamilies.BaseOf(record.Topic) == ChatStreams.Contracts.Topics.ChatReceipts)
            return new HistoryReceiptRecord(await ChatEventDecoding.DeserializeAsync(_receipts, record, value));
        var e = await ChatEventDecoding.DeserializeAsync(_events, record, value);
        return ChatEventDecoding.TakesPosition(e) ? new HistoryEventRecord(e) : null;
    }
}
