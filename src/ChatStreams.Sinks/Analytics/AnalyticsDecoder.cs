using ChatStreams.Contracts;
using ChatStreams.Kafka.Generations;
using chatstreams.v1;
using Confluent.Kafka;
using Confluent.SchemaRegistry;

namespace ChatStreams.Sinks.Analytics;

/// <summary>
/// Reads chat.events, chat.receipts, chat.presence and every delivery.&lt;edge&gt; topic (a regex subscription, so
/// the topic of an edge started later is picked up too) with the contract serdes. Rejections and dedup notices take no
/// position in a conversation and are no facts; deliveries of anything but a sequenced ChatEvent (receipts, presence,
/// command outcomes) are not counted as message deliveries; a delivery is read as its row (<see cref="DeliveryRowReader"/>).
/// Bytes Avro cannot read are poison.
/// </summary>
public sealed class AnalyticsDecoder(ChatSerdes serdes) : ISinkDecoder<AnalyticsRecord>
{
    /// <summary>librdkafka treats a subscription starting with ^ as a regex over topic names.</summary>
    public const string DeliveryTopicsPattern = @"^delivery\..+";

    private readonly IAsyncDeserializer<ChatEvent> _events = serdes.Deserializer<ChatEvent>();
    private readonly IAsyncDeserializer<ReceiptUpdate> _receipts = serdes.Deserializer<ReceiptUpdate>();
    private readonly IAsyncDeserializer<PresenceChange> _presence = serdes.Deserializer<PresenceChange>();
    private readonly IAsyncDeserializer<Delivery> _deliveries = serdes.Deserializer<Delivery>();
    private readonly DeliveryRowReader _rows = new(serdes.Registry);

    public IReadOnlyList<string> Topics { get; } =
        [ChatStreams.Contracts.Topics.ChatEvents, ChatStreams.Contracts.Topics.ChatReceipts, ChatStreams.Contracts.Topics.ChatPresence, DeliveryTopicsPattern];

    public async Task<AnalyticsRecord?> DecodeAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken ct)
    {
        if (record.Message.Value is not { } value) return null; // a compaction tombstone on chat.presence
        var context = new SerializationContext(MessageComponentType.Value, record.Topic, record.Message.Headers);
        try
        {
            switch (GenerationFamilies.BaseOf(record.Topic))
            {
                case ChatStreams.Contracts.Topics.ChatEvents:
                    var e = await _events.DeserializeAsync(value, false, context);
                    return ChatEventDecoding.TakesPosition(e) ? new AnalyticsEventRecord(e) : null;
                case ChatStreams.Contracts.Topics.ChatReceipts:
                    return new AnalyticsReceiptRecord(await _receipts.DeserializeAsync(value, false, context));
                case ChatStreams.Contracts.Topics.ChatPresence:
                    return new AnalyticsPresenceRecord(await _presence.DeserializeAsync(value, false, context));
            }
            if (!ChatStreams.Contracts.Topics.TryGetDeliveryEdge(record.Topic, out var edge)) return null;
            if (await _rows.IsOwnSchemaAsync(RegistryAvroReader<Delivery>.SchemaId(value, record.Topic)))
                return DeliveryRowReader.Read(value.AsSpan(5), edge) is { } row ? new AnalyticsDeliveryRecord(row) : null;
            // Written with another Delivery schema (an older or newer writer): decoded whole and resolved against ours.
            var delivery = await _deliveries.DeserializeAsync(value, false, context);
            return delivery.Payload is ChatEvent carried && ChatEventDecoding.TakesPosition(carried) ? new AnalyticsDeliveryRecord(edge, delivery, carried) : null;
        }
        catch (Exception e) when (e is InvalidDataException or Avro.AvroException or ArgumentException or InvalidCastException or FormatException
                                   or SchemaRegistryException { Status: System.Net.HttpStatusCode.NotFound })
        {
            throw new UnreadableRecordException(e.Message, e);
        }
    }
}
