using ChatStreams.Contracts;
using ChatStreams.Sinks;
using chatstreams.v1;
using Confluent.Kafka;

namespace ChatStreams.Notifications;

/// <summary>Reads chat.notifications with the contract serdes; bytes Avro cannot read are poison (skipped and logged).</summary>
public sealed class NotificationDecoder(ChatSerdes serdes) : ISinkDecoder<Notification>
{
    private readonly IAsyncDeserializer<Notification> _notifications = serdes.Deserializer<Notification>();

    public IReadOnlyList<string> Topics { get; } = [ChatStreams.Contracts.Topics.ChatNotifications];

    public async Task<Notification?> DecodeAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken ct) =>
        record.Message.Value is { } value ? await ChatEventDecoding.DeserializeAsync(_notifications, record, value) : null;
}
