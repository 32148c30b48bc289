using System.Text.Json;
using ChatStreams.Contracts;
using ChatStreams.Kafka;
using ChatStreams.Notifications.Tests.Support;
using ChatStreams.Sinks;
using chatstreams.v1;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Notifications.Tests;

/// <summary>
/// The sender as `chatstreams notifications` runs it: a SinkRunner on chat.notifications of the embedded broker.
/// Every (user, conversation, seq) reaches the webhook and the devices exactly once, also when the topic is read again
/// from the start (a replay of every batch, as after a crash before the offsets were committed).
/// </summary>
public sealed class NotificationSenderOnKafkaTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    private const string Secret = "webhook-secret-for-the-kafka-test";

    [Fact]
    public async Task Notifications_produced_to_the_topic_are_delivered_once_even_when_every_batch_is_replayed()
    {
        await using var h = await SenderHarness.StartAsync(o => o.WebhookSecret = Secret);
        h.Options.WebhookUrl = $"{h.Push.Url}/hook";
        var ann = await h.SubscribeAsync("ann", "ann-phone");
        var bob = await h.SubscribeAsync("bob", "bob-phone");
        await h.Preferences.MuteAsync(new Preferences.ConversationMute("bob", "muted-group", null), default);
        h.Push.Answer("/push/ann-phone", 503); // one passing failure on the way

        var notifications = new List<Notification>();
        for (var seq = 1; seq <= 6; seq++) notifications.Add(TestNotifications.For("ann", "team", seq, $"team {seq}", "Team"));
        for (var seq = 1; seq <= 4; seq++) notifications.Add(TestNotifications.For("bob", "dm-ann-bob", seq, $"dm {seq}"));
        for (var seq = 1; seq <= 3; seq++) notifications.Add(TestNotifications.For("bob", "muted-group", seq, $"muted {seq}", "Muted"));
        for (var seq = 1; seq <= 2; seq++) notifications.Add(TestNotifications.For("carl", "team", seq, $"team {seq}", "Team")); // no device: webhook only
        Produce(notifications);

        await RunUntilCaughtUpAsync(h, "chatstreams-");
        var expected = notifications.Where(n => n.ConversationId != "muted-group").Select(n => $"{n.UserId}/{n.ConversationId}/{n.Seq}").Order().ToList();
        Assert.Equal(expected, WebhookKeys(h).Order().ToList());
        Assert.Equal(6, PushedCount(h, ann, "/push/ann-phone"));
        Assert.Equal(4, PushedCount(h, bob, "/push/bob-phone"));
        var requestsAfterFirstRun = h.Push.Requests.Count;

        // Another group reads chat.notifications from the start: every batch again. The ledger stops every repeat.
        await RunUntilCaughtUpAsync(h, "replay-");
        Assert.Equal(requestsAfterFirstRun, h.Push.Requests.Count);
    }

    private void Produce(IEnumerable<Notification> notifications)
    {
        var values = kafka.Serdes.Serializer<Notification>().AsSyncOverAsync();
        using var producer = new ProducerBuilder<string, byte[]>(KafkaClientConfigs.Producer(kafka.Kafka, "fanout")).SetKeySerializer(ChatSerdes.KeySerializer).Build();
        foreach (var n in notifications)
            producer.Produce(Topics.ChatNotifications, new Message<string, byte[]>
            {
                Key = n.UserId, Value = values.Serialize(n, new SerializationContext(MessageComponentType.Value, Topics.ChatNotifications)),
            });
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    private async Task RunUntilCaughtUpAsync(SenderHarness h, string groupPrefix)
    {
        var sinks = new SinkOptions { GroupIdPrefix = groupPrefix, BatchLinger = TimeSpan.FromMilliseconds(300), RetryBackoff = TimeSpan.FromMilliseconds(100) };
        var runner = new SinkRunner<Notification>(NotificationSender.SinkName, new NotificationDecoder(kafka.Serdes), h.CreateSender(), kafka.Kafka, sinks,
            NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var running = runner.RunAsync(stop.Token);
        var ends = kafka.EndOffsets(Topics.ChatNotifications);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var committed = await kafka.CommittedAsync(runner.GroupId, Topics.ChatNotifications);
            if (ends.All(e => e.Value == 0 || committed.GetValueOrDefault(e.Key, -1) >= e.Value)) break;
            Assert.False(running.IsCompleted, "the runner stopped early");
            Assert.True(DateTime.UtcNow < deadline, $"group {runner.GroupId} did not catch up: committed {string.Join(",", committed)} of {string.Join(",", ends)}");
            await Task.Delay(100);
        }
        await stop.CancelAsync();
        await running;
    }

    /// <summary>Every notification the webhook was given (the stub answered 201 to each call, none was scripted to fail).</summary>
    private static List<string> WebhookKeys(SenderHarness h) => h.Push.To("/hook")
        .SelectMany(r =>
        {
            using var json = JsonDocument.Parse(r.Body);
            var user = json.RootElement.GetProperty("userId").GetString();
            return json.RootElement.GetProperty("notifications").EnumerateArray()
                .Select(n => $"{user}/{n.GetProperty("conversationId").GetString()}/{n.GetProperty("seq").GetInt64()}").ToList();
        }).ToList();

    /// <summary>Messages announced to a device: the counts of its successful pushes (the first answer to ann was a 503).</summary>
    private static int PushedCount(SenderHarness h, BrowserSubscription browser, string path)
    {
        var requests = h.Push.To(path);
        var skip = path == "/push/ann-phone" ? 1 : 0; // the 503'd attempt is repeated with the same digest
        return requests.Skip(skip).Sum(r => JsonDocument.Parse(browser.Decrypt(r.Body)).RootElement.GetProperty("count").GetInt32());
    }
}
