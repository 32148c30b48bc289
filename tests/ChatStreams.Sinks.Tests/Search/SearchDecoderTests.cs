using ChatStreams.Contracts;
using ChatStreams.Sinks.Search;
using ChatStreams.Sinks.Tests.Support;
using chatstreams.v1;
using Confluent.Kafka;

namespace ChatStreams.Sinks.Tests.Search;

/// <summary>The search sink keeps the events that change searchable text, skips the rest, and calls bad bytes poison.</summary>
public sealed class SearchDecoderTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    private async Task<ConsumeResult<byte[]?, byte[]?>> RecordAsync(ChatEvent e) => Raw(
        await kafka.Serdes.Serializer<ChatEvent>().SerializeAsync(e, new SerializationContext(MessageComponentType.Value, Topics.ChatEvents)));

    private static ConsumeResult<byte[]?, byte[]?> Raw(byte[]? value) => new()
    {
        Topic = Topics.ChatEvents, Partition = 0, Offset = 1,
        Message = new Message<byte[]?, byte[]?> { Key = "c1"u8.ToArray(), Value = value, Headers = [] },
    };

    [Fact]
    public async Task Messages_sent_edited_and_deleted_are_kept_and_everything_else_is_skipped()
    {
        var decoder = new SearchDecoder(kafka.Serdes);
        var c = new ChatEvents("c1");
        var created = c.Created("alice", ["alice"]);
        var sent = c.Sent("alice", "hello");
        var reacted = c.Reacted("alice", 2, "👍");
        var edited = c.Edited("alice", 2, "hello again");
        var rejected = c.Rejected("alice");
        var deleted = c.Deleted("alice", 2);
        var added = c.Added("alice", "bob");

        Assert.Equal([Topics.ChatEvents], decoder.Topics);
        foreach (var skipped in new[] { created, reacted, rejected, added })
            Assert.Null(await decoder.DecodeAsync(await RecordAsync(skipped), default));
        foreach (var kept in new[] { sent, edited, deleted })
            Assert.Equal(kept.EventId, (await decoder.DecodeAsync(await RecordAsync(kept), default))!.EventId);
        Assert.Null(await decoder.DecodeAsync(Raw(null), default)); // a tombstone
    }

    [Fact]
    public async Task Bytes_that_are_no_chat_event_are_poison()
    {
        var decoder = new SearchDecoder(kafka.Serdes);
        await Assert.ThrowsAsync<UnreadableRecordException>(() => decoder.DecodeAsync(Raw("not avro at all"u8.ToArray()), default));
        await Assert.ThrowsAsync<UnreadableRecordException>(() => decoder.DecodeAsync(Raw([0, 0, 0, 0x7f, 0x7f, 1, 2]), default)); // unknown schema id
    }
}
