using ChatStreams.TestSupport;
using ChatStreams.Contracts;
using ChatStreams.Kafka;
using ChatStreams.Sinks.History.Sqlite;
using ChatStreams.Sinks.Tests.Support;
using chatstreams.v1;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ChatStreams.Sinks.Tests.History;

/// <summary>
/// `chatstreams sink history` as a child process on the embedded broker, killed with SIGKILL in the middle of landing
/// chat.events and started again on the same SQLite file: the store ends up with each (conversation, seq) exactly
/// once, and reads exactly like a store that applied every event once in one go (no reaction, edit or membership
/// change applied twice).
/// </summary>
public sealed class HistorySinkCrashTests(KafkaFixture kafka, ITestOutputHelper output) : IClassFixture<KafkaFixture>
{
    private const int Conversations = 24;
    private const int EventsPerConversation = 150;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_sink_killed_mid_way_and_restarted_lands_every_event_exactly_once()
    {
        var (events, receipts, users) = Scenario(seed: 8);
        ProduceAll(events, receipts);
        using var folder = StoreFolder.New("history-sink");
        var path = folder.Sub("history.db");
        var environment = kafka.SinkEnvironment(20, ("History__SqlitePath", path));

        long atKill;
        using (var first = SinkProcess.Start("history", environment))
        {
            await first.WaitForLineAsync(l => l.StartsWith("sink history running", StringComparison.Ordinal), Deadline);
            await PollAsync(async () => await CountAsync(path) >= events.Count / 4, first);
            first.Kill();
            atKill = await CountAsync(path);
            output.WriteLine($"killed sink (pid {first.ProcessId}) with {atKill} of {events.Count} events stored");
        }
        Assert.InRange(atKill, events.Count / 4, events.Count - 1);

        using var second = SinkProcess.Start("history", environment);
        var group = new SinkOptions().GroupIdPrefix + "history";
        // Done when both topics are committed to their ends: receipts land from their own topic, independently of events.
        var eventEnds = EndOffsets(Topics.ChatEvents);
        var receiptEnds = EndOffsets(Topics.ChatReceipts);
        await PollAsync(async () => await CountAsync(path) == events.Count
            && (await kafka.CommittedAsync(group, Topics.ChatEvents, KafkaFixture.Partitions)).OrderBy(p => p.Key).SequenceEqual(eventEnds.OrderBy(p => p.Key))
            && (await kafka.CommittedAsync(group, Topics.ChatReceipts, KafkaFixture.Partitions)).OrderBy(p => p.Key).SequenceEqual(receiptEnds.OrderBy(p => p.Key)), second);

        // Each (conversation, seq) once, and every conversation 1..n without a hole.
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT conversation_id, count(*), count(DISTINCT seq), min(seq), max(seq) FROM events GROUP BY conversation_id";
            await using var reader = await command.ExecuteReaderAsync();
            var rows = 0;
            while (await reader.ReadAsync())
            {
                rows++;
                Assert.Equal((EventsPerConversation, EventsPerConversation, 1L, (long)EventsPerConversation),
                    (reader.GetInt32(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetInt64(4)));
            }
            Assert.Equal(Conversations, rows);
        }

        var reference = new SqliteHistoryStore(folder.Sub("reference.db"));
        await reference.ApplyAsync(events, receipts, default);
        var landed = new SqliteHistoryStore(path);
        foreach (var conversation in events.Select(e => e.ConversationId).Distinct())
            Assert.Equal(await HistorySnapshot.TakeAsync(reference, conversation, users), await HistorySnapshot.TakeAsync(landed, conversation, users));
    }

    /// <summary>Conversations with random sends, edits, deletions, reactions added and removed, joins and leaves; receipts for some members.</summary>
    private static (List<ChatEvent> Events, List<ReceiptUpdate> Receipts, string[] Users) Scenario(int seed)
    {
        var random = new Random(seed);
        string[] users = [.. Enumerable.Range(0, 8).Select(i => $"user-{i}")];
        var streams = Enumerable.Range(0, Conversations).Select(i => (Events: new ChatEvents($"conv-{i}"), List: new List<ChatEvent>())).ToList();
        var receipts = new List<ReceiptUpdate>();
        foreach (var (c, list) in streams)
        {
            var members = users.OrderBy(_ => random.Next()).Take(3).ToHashSet();
            var owner = members.First();
            list.Add(c.Created(owner, [.. members]));
            var messages = new List<long>();
            while (list.Count < EventsPerConversation)
            {
                var by = members.ElementAt(random.Next(members.Count));
                var roll = random.Next(100);
                if (roll < 50 || messages.Count == 0) { list.Add(c.Sent(by, $"message {c.Seq + 1} from {by}")); messages.Add(c.Seq); }
                else if (roll < 60) list.Add(c.Edited(by, messages[random.Next(messages.Count)], $"edited at {c.Seq + 1}"));
                else if (roll < 65) list.Add(c.Deleted(by, messages[random.Next(messages.Count)]));
                else if (roll < 85) list.Add(c.Reacted(by, messages[random.Next(messages.Count)], random.Next(2) == 0 ? "👍" : "🎉",
                    random.Next(3) == 0 ? ReactionAction.Remove : ReactionAction.Add));
                else if (roll < 92 && users.Except(members).FirstOrDefault() is { } joiner) { list.Add(c.Added(owner, joiner)); members.Add(joiner); }
                else if (members.Count > 2 && members.FirstOrDefault(m => m != owner) is { } leaver) { list.Add(c.Removed(owner, leaver)); members.Remove(leaver); }
                else { list.Add(c.Sent(by, $"message {c.Seq + 1}")); messages.Add(c.Seq); }
                if (random.Next(10) == 0) receipts.Add(ChatEvents.Receipt(list[0].ConversationId, by, c.Seq, c.Seq - random.Next(3)));
            }
        }
        // Interleave conversations as the sequencer would (each conversation stays in seq order).
        var events = streams.SelectMany(s => s.List.Select((e, i) => (e, i))).OrderBy(x => x.i).ThenBy(x => x.e.ConversationId, StringComparer.Ordinal).Select(x => x.e).ToList();
        return (events, receipts, users);
    }

    private void ProduceAll(List<ChatEvent> events, List<ReceiptUpdate> receipts)
    {
        var eventValues = kafka.Serdes.Serializer<ChatEvent>().AsSyncOverAsync();
        var receiptValues = kafka.Serdes.Serializer<ReceiptUpdate>().AsSyncOverAsync();
        using var producer = new ProducerBuilder<string, byte[]>(KafkaClientConfigs.Producer(kafka.Kafka, "sequencer"))
            .SetKeySerializer(ChatSerdes.KeySerializer).Build();
        foreach (var e in events)
            Produce(producer, Topics.ChatEvents, e.ConversationId, eventValues.Serialize(e, new SerializationContext(MessageComponentType.Value, Topics.ChatEvents)));
        foreach (var r in receipts)
            Produce(producer, Topics.ChatReceipts, r.ConversationId, receiptValues.Serialize(r, new SerializationContext(MessageComponentType.Value, Topics.ChatReceipts)));
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
    }

    private static void Produce(IProducer<string, byte[]> producer, string topic, string key, byte[] value)
    {
        while (true)
        {
            try
            {
                producer.Produce(topic, new Message<string, byte[]> { Key = key, Value = value });
                return;
            }
            catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(50));
            }
        }
    }

    private Dictionary<int, long> EndOffsets(string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(KafkaClientConfigs.Consumer(kafka.Kafka, "ends", "ends")).Build();
        return Enumerable.Range(0, KafkaFixture.Partitions)
            .ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value);
    }

    private static async Task<long> CountAsync(string path)
    {
        if (!File.Exists(path)) return 0;
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM events";
        try { return (long)(await command.ExecuteScalarAsync())!; }
        catch (SqliteException) { return 0; } // the schema is not there yet
    }

    private static async Task PollAsync(Func<Task<bool>> condition, ProgramProcess sink)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"condition not met within {Deadline.TotalSeconds} s; the sink's last lines:\n{string.Join('\n', sink.Output.TakeLast(40))}");
            await Task.Delay(20);
        }
    }
}
