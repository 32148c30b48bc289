using ChatStreams.Sinks.Analytics;
using ChatStreams.Sinks.Tests.Support;
using chatstreams.v1;

namespace ChatStreams.Sinks.Tests.Analytics;

/// <summary>
/// A small but complete day and a half of chat as the analytics sink decodes it: a group (with a title that needs
/// escaping) and a direct conversation, messages with non-ASCII text and attachments, an edit, a deletion, reactions,
/// deliveries at two edges with known latencies, receipts that move, and presence sessions (one left open).
/// </summary>
public static class AnalyticsScenario
{
    public const string Title = "Team\t\"tab\"\nnew line \\ back 'quote' — 日本";
    public const string UnicodeBody = "héllo 👍 世界"; // 10 code points, 18 UTF-8 bytes, 11 UTF-16 units
    public const int LatencyMs = 35;

    public static readonly DateTime Day1 = ChatEvents.Start;
    public static readonly DateTime Day2 = ChatEvents.Start.AddDays(1);

    public static List<AnalyticsRecord> Records()
    {
        var records = new List<AnalyticsRecord>();
        var group = new ChatEvents("c-group");
        string[] members = ["alice", "bob", "carol"];
        var groupEvents = new List<ChatEvent>
        {
            group.Created("alice", members, ConversationKind.Group, Title), // 1
            group.Sent("alice", "hello"),                                    // 2
            group.Sent("bob", UnicodeBody),                                  // 3
            group.Sent("carol", "tab\there"),                                // 4
            group.Edited("alice", 2, "hello!"),                              // 5
            group.Reacted("bob", 2, "👍"),                                    // 6
            group.Reacted("bob", 2, "👍", ReactionAction.Remove),             // 7
            group.Deleted("carol", 4),                                       // 8
            group.Sent("alice", "later"),                                    // 9
        };
        var direct = new ChatEvents("c-direct");
        var directEvents = new List<ChatEvent>
        {
            direct.Created("bob", ["bob", "dave"], ConversationKind.Direct, null, []), // 1
            direct.Sent("bob", "hi dave"),                                             // 2
            direct.Sent("dave", "hi bob"),                                             // 3
        };
        foreach (var e in directEvents) e.OccurredAt = e.OccurredAt.AddDays(1).AddHours(3); // the next day, another hour
        foreach (var e in groupEvents.Concat(directEvents)) e.CommandIssuedAt = e.OccurredAt.AddMilliseconds(-10);

        foreach (var (events, people) in new[] { (groupEvents, members), (directEvents, new[] { "bob", "dave" }) })
            foreach (var e in events)
            {
                records.Add(new AnalyticsEventRecord(e));
                foreach (var user in people.Where(p => p != e.UserId))
                {
                    var edge = user is "bob" or "dave" ? "edge-1" : "edge-2";
                    var delivery = new Delivery
                    {
                        UserId = user, DeviceId = null, ConversationId = e.ConversationId, Seq = e.Seq, CreatedAt = e.CommandIssuedAt!.Value.AddMilliseconds(LatencyMs),
                        Payload = e,
                    };
                    records.Add(new AnalyticsDeliveryRecord(edge, delivery, e));
                }
            }

        records.Add(Receipt("c-group", "bob", 4, 2, Day1.AddSeconds(10)));
        records.Add(Receipt("c-group", "bob", 9, 9, Day1.AddSeconds(40)));
        records.Add(Receipt("c-group", "carol", 9, 3, Day1.AddSeconds(20)));
        records.Add(Receipt("c-direct", "dave", 2, 2, Day2.AddHours(3).AddSeconds(30)));

        records.Add(Presence("alice", PresenceStatus.Online, Day1));
        records.Add(Presence("alice", PresenceStatus.Online, Day1.AddSeconds(5), devices: 2)); // a second device: same session
        records.Add(Presence("alice", PresenceStatus.Offline, Day1.AddSeconds(60)));
        records.Add(Presence("bob", PresenceStatus.Online, Day1.AddSeconds(1)));
        records.Add(Presence("bob", PresenceStatus.Offline, Day1.AddSeconds(31)));
        records.Add(Presence("alice", PresenceStatus.Online, Day1.AddSeconds(120))); // still online: an open session
        return records;
    }

    public static AnalyticsReceiptRecord Receipt(string conversation, string user, long delivered, long read, DateTime at) =>
        new(new ReceiptUpdate { ConversationId = conversation, UserId = user, DeliveredSeq = delivered, ReadSeq = read, At = at });

    public static AnalyticsPresenceRecord Presence(string user, PresenceStatus status, DateTime at, int? devices = null) =>
        new(new PresenceChange { UserId = user, Status = status, LastSeen = at, DevicesOnline = devices ?? (status == PresenceStatus.Online ? 1 : 0) });

    public static long Ms(DateTime at) => new DateTimeOffset(at).ToUnixTimeMilliseconds();
}
