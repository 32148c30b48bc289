using ChatStreams.Contracts;
using chatstreams.v1;
using Confluent.Kafka;

namespace ChatStreams.Sinks.Search;

/// <summary>
/// Reads chat.events for the search sink and keeps what changes searchable text: messages sent, edited and deleted.
/// Everything else (membership, reactions, rejections, dedup notices) is committed past without a write; the scopes
/// a user may search come from the history store's membership, not from the index.
/// </summary>
public sealed class SearchDecoder(ChatSerdes serdes) : ISinkDecoder<ChatEvent>
{
    private readonly IAsyncDeserializer<ChatEvent> _events = serdes.Deserializer<ChatEvent>();

    public IReadOnlyList<string> Topics { get; } = [ChatStreams.Contracts.Topics.ChatEvents];

    public async Task<ChatEvent?> DecodeAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken ct)
    {
        if (record.Message.Value is not { } value) return null;
        var e = await ChatEventDecoding.DeserializeAsync(_events, record, value);
        return ChatEventDecoding.TakesPosition(e) && e.Payload is MessageSent or MessageEdited or MessageDeleted ? e : null;
    }
}
