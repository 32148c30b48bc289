using Avro.IO;
using Avro.Specific;
using ChatStreams.Sinks.Analytics;
using ChatStreams.Sinks.Tests.Support;
using chatstreams.v1;

namespace ChatStreams.Sinks.Tests.Analytics;

/// <summary>
/// The deliveries row read straight from a Delivery's Avro bytes equals the row of the fully decoded delivery, for
/// every kind of event and every optional field set or not; what the decoder skips it skips; broken bytes are refused.
/// </summary>
public sealed class DeliveryRowReaderTests
{
    private static byte[] Avro(Delivery delivery)
    {
        using var stream = new MemoryStream();
        new SpecificDatumWriter<Delivery>(Delivery._SCHEMA).Write(delivery, new BinaryEncoder(stream));
        return stream.ToArray();
    }

    private static Delivery To(string user, ChatEvent e, string? device = null, DateTime? createdAt = null) => new()
    {
        UserId = user, DeviceId = device, ConversationId = e.ConversationId, Seq = e.Seq, CreatedAt = createdAt ?? e.OccurredAt.AddMilliseconds(7), Payload = e,
    };

    public static TheoryData<string> EventKinds() => ["created", "added", "removed", "sent", "sent-files", "sent-encrypted", "edited", "deleted", "reacted"];

    private static ChatEvent Event(string kind)
    {
        var c = new ChatEvents("conv-ü-1");
        var created = c.Created("alice", ["alice", "bob", "carol"], title: "t👍am");
        if (kind == "created") return created;
        var sent = c.Sent("alice", "hello 👋 wörld");
        return kind switch
        {
            "added" => c.Added("alice", "dave"),
            "removed" => c.Removed("alice", "carol"),
            "sent" => sent,
            "sent-files" => c.SentWithFiles("bob", "files", "a.pdf", "b.png"),
            "sent-encrypted" => c.SentEncrypted("bob", [1, 2, 3, 0xff]),
            "edited" => c.Edited("alice", 2, "hello again"),
            "deleted" => c.Deleted("alice", 2),
            "reacted" => c.Reacted("bob", 2, "🎉"),
            _ => throw new ArgumentException(kind),
        };
    }

    [Theory]
    [MemberData(nameof(EventKinds))]
    public void The_row_equals_the_row_of_the_decoded_delivery(string kind)
    {
        foreach (var (device, issued, trace, clientId) in new (string?, bool, bool, string?)[]
                 { (null, true, false, "cm-1"), ("phone-1", false, true, null), ("", true, true, "") })
        {
            var e = Event(kind);
            e.CommandIssuedAt = issued ? e.OccurredAt.AddMilliseconds(-12) : null;
            e.Trace = trace ? new TraceContext { TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", TraceState = "k=v" } : null;
            e.ClientMessageId = clientId;
            e.EdgeId = device is null ? null : "edge-9";
            var delivery = To("bob", e, device);

            var row = DeliveryRowReader.Read(Avro(delivery), "edge-3");

            Assert.Equal(ChatFacts.Delivery("edge-3", delivery, e), row);
        }
    }

    [Fact]
    public void Deliveries_of_rejections_dedup_notices_seq_0_and_other_payloads_make_no_row()
    {
        var c = new ChatEvents("c1");
        var created = c.Created("alice", ["alice", "bob"]);
        var sent = c.Sent("alice", "hi");
        var rejected = c.Rejected("bob");
        var dedup = c.Sent("alice", "again");
        dedup.Payload = new CommandDeduplicated { OriginalSeq = 2, OriginalEventId = sent.EventId, OriginalCommandId = sent.CommandId };
        created.Seq = 0;
        foreach (var e in new[] { rejected, dedup, created })
            Assert.Null(DeliveryRowReader.Read(Avro(To("bob", e)), "edge-1"));

        var other = To("bob", sent);
        foreach (var payload in new object[]
                 {
                     ChatEvents.Receipt("c1", "alice", 1, 1),
                     new PresenceChange { UserId = "alice", Status = PresenceStatus.Online, LastSeen = ChatEvents.Start, DevicesOnline = 1 },
                     new CommandOutcome { CommandId = "x", Status = CommandStatus.Rejected, Seq = 0, Code = "not_member" },
                 })
        {
            other.Payload = payload;
            Assert.Null(DeliveryRowReader.Read(Avro(other), "edge-1"));
        }
    }

    [Fact]
    public void Truncated_or_foreign_bytes_are_refused()
    {
        var bytes = Avro(To("bob", new ChatEvents("c1").Sent("alice", "a message long enough to cut")));
        foreach (var cut in new[] { 0, 1, 4, bytes.Length / 2 })
            Assert.Throws<InvalidDataException>(() => DeliveryRowReader.Read(bytes.AsSpan(0, cut), "edge-1"));
        // A string length running past the end, and a union branch that does not exist.
        Assert.Throws<InvalidDataException>(() => DeliveryRowReader.Read([0x7e, 0x61], "edge-1"));
        Assert.Throws<InvalidDataException>(() => DeliveryRowReader.Read([0x02, 0x61, 0x10], "edge-1"));
    }
}
