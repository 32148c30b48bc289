using ChatStreams.Contracts;
using ChatStreams.Kafka;
using ChatStreams.Sinks.Analytics;
using ChatStreams.Sinks.Analytics.DuckDb;
using ChatStreams.Sinks.Analytics.Query;
using ChatStreams.Sinks.Tests.Support;
using ChatStreams.TestSupport;
using chatstreams.v1;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Xunit.Abstractions;

namespace ChatStreams.Sinks.Tests.Analytics;

/// <summary>
/// `chatstreams sink analytics` (DuckDB) as a child process on the embedded broker, killed with SIGKILL in the middle
/// of landing a few thousand events and deliveries (on two delivery.&lt;edge&gt; topics, read through the regex
/// subscription) plus receipts and presence, then started again on the same file: every message and delivery is
/// counted exactly once, and every documented answer equals that of a store that applied all records in one go.
/// The test reads the store only through the sink's query endpoint, as chatctl does, because the sink holds the file.
/// </summary>
public sealed class AnalyticsSinkCrashTests(KafkaFixture kafka, ITestOutputHelper output) : IClassFixture<KafkaFixture>
{
    private const int Conversations = 16;
    private const int EventsPerConversation = 120;
    private static readonly string[] Edges = ["edge-a", "edge-b"];
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_sink_killed_mid_way_and_restarted_counts_every_message_and_delivery_exactly_once()
    {
        foreach (var edge in Edges) await kafka.CreateTopicAsync(Topics.Delivery(edge), KafkaFixture.Partitions);
        var records = Scenario(seed: 11, out var sent);
        var messages = records.OfType<AnalyticsEventRecord>().Count(r => r.Event.Payload is MessageSent);
        var deliveries = records.OfType<AnalyticsDeliveryRecord>().Count();
        output.WriteLine($"{records.Count} records: {messages} messages, {deliveries} deliveries");
        Produce(records, sent);

        using var folder = new TempDirectory("analytics-sink");
        var path = folder.Sub("analytics.duckdb");
        var environment = kafka.SinkEnvironment(40, ("Analytics__DuckDbPath", path));
        const string Landed = "SELECT (SELECT count(*) FROM messages) + (SELECT count(*) FROM deliveries)";

        long atKill;
        using (var first = SinkProcess.Start("analytics", environment))
        {
            await first.WaitForLineAsync(l => l.StartsWith("sink analytics running", StringComparison.Ordinal), Deadline);
            using var client = Client(path);
            long seen = 0;
            await PollAsync(async () => (seen = await CountAsync(client, Landed)) >= (messages + deliveries) / 4, first);
            first.Kill();
            atKill = seen; // the endpoint died with the sink: the last count read is what the store held at least
            output.WriteLine($"killed sink (pid {first.ProcessId}) with at least {atKill} of {messages + deliveries} messages and deliveries stored");
        }
        Assert.InRange(atKill, (messages + deliveries) / 4, messages + deliveries - 1);

        using var second = SinkProcess.Start("analytics", environment);
        await second.WaitForLineAsync(l => l.StartsWith("sink analytics running", StringComparison.Ordinal), Deadline);
        using var landed = Client(path);
        var group = new SinkOptions().GroupIdPrefix + AnalyticsSinkWriter.SinkName;
        string[] topics = [Topics.ChatEvents, Topics.ChatReceipts, Topics.ChatPresence, .. Edges.Select(Topics.Delivery)];
        var ends = topics.ToDictionary(t => t, EndOffsets);
        await PollAsync(async () =>
        {
            foreach (var topic in topics)
                if (!(await kafka.CommittedAsync(group, topic, KafkaFixture.Partitions)).OrderBy(p => p.Key).SequenceEqual(ends[topic].Where(p => p.Value > 0).OrderBy(p => p.Key)))
                    return false;
            return true;
        }, second);

        Assert.Equal(messages, await CountAsync(landed, "SELECT count(*) FROM messages"));
        Assert.Equal(messages, await CountAsync(landed, "SELECT count(DISTINCT (conversation_id, seq)) FROM messages"));
        Assert.Equal(deliveries, await CountAsync(landed, "SELECT count(*) FROM deliveries"));
        Assert.Equal(deliveries, await CountAsync(landed, "SELECT count(DISTINCT (conversation_id, seq, user_id, edge_id, device_key)) FROM deliveries"));
        Assert.Equal(Edges.Length, await CountAsync(landed, "SELECT count(DISTINCT edge_id) FROM deliveries"));

        // Every documented answer (reads and presence sessions included) equals a single clean apply.
        await using var reference = new DuckDbAnalyticsStore(folder.Sub("reference.duckdb"));
        await reference.InitializeAsync(default);
        await new AnalyticsSinkWriter(reference).WriteAsync(records, default);
        foreach (var example in AnalyticsDocExamples.For("duckdb"))
            Assert.Equal(Text(await reference.QueryAsync(example.Sql, default)), Text(await landed.QueryAsync(example.Sql, default)));
    }

    private static AnalyticsQueryClient Client(string databasePath)
    {
        var url = File.ReadAllText(AnalyticsQueryEndpoint.UrlFile(databasePath)).Trim();
        return new AnalyticsQueryClient(new Uri(url), TimeSpan.FromSeconds(30));
    }

    private static async Task<long> CountAsync(AnalyticsQueryClient client, string sql) =>
        Convert.ToInt64((await client.QueryAsync(sql, default)).Rows[0][0]);

    private static string Text(AnalyticsQueryResult result) => string.Join("\n", result.Rows.Select(r => string.Join(",", r)));

    /// <summary>Conversations of random sends, edits and reactions, each delivered to its other members at their edge; receipts; presence flaps.</summary>
    /// <param name="sent">The delivery each AnalyticsDeliveryRecord stands for (a record holds only its row), with its edge.</param>
    private static List<AnalyticsRecord> Scenario(int seed, out Dictionary<AnalyticsRecord, (string Edge, Delivery Delivery)> sent)
    {
        sent = new Dictionary<AnalyticsRecord, (string Edge, Delivery Delivery)>(ReferenceEqualityComparer.Instance);
        var random = new Random(seed);
        string[] users = [.. Enumerable.Range(0, 8).Select(i => $"user-{i}")];
        var perConversation = new List<List<AnalyticsRecord>>();
        for (var i = 0; i < Conversations; i++)
        {
            var c = new ChatEvents($"conv-{i}");
            var members = users.OrderBy(_ => random.Next()).Take(3).ToArray();
            var list = new List<AnalyticsRecord>();
            var events = new List<ChatEvent> { c.Created(members[0], members) };
            while (events.Count < EventsPerConversation)
            {
                var by = members[random.Next(members.Length)];
                var roll = random.Next(100);
                if (roll < 70 || c.Seq < 2) events.Add(c.Sent(by, $"message {c.Seq + 1} from {by} — ünïcödé 👍"));
                else if (roll < 80) events.Add(c.Edited(by, 2, "edited"));
                else if (roll < 90) events.Add(c.Reacted(by, 2, "🎉"));
                else events.Add(c.Rejected(by)); // skipped by the decoder; takes no seq
            }
            foreach (var e in events)
            {
                var issued = e.OccurredAt.AddMilliseconds(-random.Next(1, 50));
                e.CommandIssuedAt = issued;
                list.Add(new AnalyticsEventRecord(e));
                if (e.Payload is CommandRejected) continue;
                foreach (var user in members.Where(m => m != e.UserId))
                {
                    // By the user's index, not string.GetHashCode (randomized per process): with a random hash all eight users
                    // landed on one edge in about one run of 128, and the scenario was no longer the same from run to run.
                    var edge = Edges[Array.IndexOf(users, user) % Edges.Length];
                    var delivery = new Delivery
                    {
                        UserId = user, ConversationId = e.ConversationId, Seq = e.Seq, CreatedAt = issued.AddMilliseconds(random.Next(5, 80)), Payload = e,
                    };
                    var record = new AnalyticsDeliveryRecord(edge, delivery, e);
                    sent.Add(record, (edge, delivery));
                    list.Add(record);
                }
                if (random.Next(8) == 0)
                {
                    var reader = members[random.Next(members.Length)];
                    list.Add(AnalyticsScenario.Receipt(e.ConversationId, reader, c.Seq, Math.Max(0, c.Seq - random.Next(3)), e.OccurredAt.AddSeconds(2)));
                }
            }
            perConversation.Add(list);
        }
        // A member's receipts only grow (the receipts topology never moves them back): drop any that would not.
        foreach (var list in perConversation)
        {
            var highest = new Dictionary<string, long>();
            var kept = new List<AnalyticsRecord>();
            foreach (var record in list)
            {
                if (record is AnalyticsReceiptRecord { Receipt: var r })
                {
                    if (r.ReadSeq <= highest.GetValueOrDefault(r.UserId, -1)) continue;
                    highest[r.UserId] = r.ReadSeq;
                }
                kept.Add(record);
            }
            list.Clear();
            list.AddRange(kept);
        }
        var records = perConversation.SelectMany(l => l.Select((r, i) => (r, i))).OrderBy(x => x.i).Select(x => x.r).ToList();
        foreach (var user in users)
        {
            var at = ChatEvents.Start;
            for (var flap = 0; flap < 12; flap++)
            {
                at = at.AddSeconds(random.Next(1, 30));
                records.Add(AnalyticsScenario.Presence(user, PresenceStatus.Online, at));
                if (random.Next(3) == 0) records.Add(AnalyticsScenario.Presence(user, PresenceStatus.Online, at.AddSeconds(1), devices: 2));
                at = at.AddSeconds(random.Next(5, 300));
                records.Add(AnalyticsScenario.Presence(user, PresenceStatus.Offline, at));
            }
        }
        return records;
    }

    private void Produce(List<AnalyticsRecord> records, Dictionary<AnalyticsRecord, (string Edge, Delivery Delivery)> sent)
    {
        var events = kafka.Serdes.Serializer<ChatEvent>().AsSyncOverAsync();
        var deliveries = kafka.Serdes.Serializer<Delivery>().AsSyncOverAsync();
        var receipts = kafka.Serdes.Serializer<ReceiptUpdate>().AsSyncOverAsync();
        var presence = kafka.Serdes.Serializer<PresenceChange>().AsSyncOverAsync();
        using var producer = new ProducerBuilder<string, byte[]>(KafkaClientConfigs.Producer(kafka.Kafka, "analytics-test"))
            .SetKeySerializer(ChatSerdes.KeySerializer).Build();
        foreach (var record in records)
        {
            var (topic, key, value) = record switch
            {
                AnalyticsEventRecord e => (Topics.ChatEvents, e.Event.ConversationId, events.Serialize(e.Event, Context(Topics.ChatEvents))),
                AnalyticsDeliveryRecord d when sent[d] is var (edge, delivery) =>
                    (Topics.Delivery(edge), delivery.UserId, deliveries.Serialize(delivery, Context(Topics.Delivery(edge)))),
                AnalyticsReceiptRecord r => (Topics.ChatReceipts, r.Receipt.ConversationId, receipts.Serialize(r.Receipt, Context(Topics.ChatReceipts))),
                AnalyticsPresenceRecord p => (Topics.ChatPresence, p.Change.UserId, presence.Serialize(p.Change, Context(Topics.ChatPresence))),
                _ => throw new InvalidOperationException(record.GetType().Name),
            };
            while (true)
            {
                try
                {
                    producer.Produce(topic, new Message<string, byte[]> { Key = key, Value = value });
                    break;
                }
                catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
    }

    private static SerializationContext Context(string topic) => new(MessageComponentType.Value, topic);

    private Dictionary<int, long> EndOffsets(string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(KafkaClientConfigs.Consumer(kafka.Kafka, "ends", "ends")).Build();
        return Enumerable.Range(0, KafkaFixture.Partitions)
            .ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value);
    }

    private static async Task PollAsync(Func<Task<bool>> condition, ProgramProcess sink)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"condition not met within {Deadline.TotalSeconds} s; the sink's last lines:\n{string.Join('\n', sink.Output.TakeLast(40))}");
            await Task.Delay(50);
        }
    }
}
