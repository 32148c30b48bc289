using System.Text.Json;
using ChatStreams.Notifications.Delivery;
using ChatStreams.Notifications.Tests.Support;
using ChatStreams.Notifications.WebPush;

namespace ChatStreams.Notifications.Tests;

/// <summary>Folding a batch into one push per user, and the payload a service worker receives.</summary>
public sealed class NotificationDigestTests
{
    [Fact]
    public void Several_messages_for_one_user_become_one_digest_with_the_count_and_the_latest_preview()
    {
        var digests = NotificationDigest.PerUser([
            TestNotifications.For("ann", "team", 1, "first", "Team"),
            TestNotifications.For("bob", "team", 1, "first", "Team"),
            TestNotifications.For("ann", "team", 3, "third", "Team"),
            TestNotifications.For("ann", "team", 2, "second", "Team"),
            TestNotifications.For("ann", "team", 2, "second", "Team"), // a repeat within the batch
        ]);

        Assert.Equal(["ann", "bob"], digests.Select(d => d.UserId));
        var ann = digests[0];
        Assert.Equal([1L, 2, 3], ann.Notifications.Select(n => n.Seq));
        Assert.Equal("3 new messages in Team", ann.Title);
        Assert.Equal("third", ann.Body);
        Assert.Equal("New message in Team", digests[1].Title);
    }

    [Fact]
    public void Direct_chats_have_no_title_and_several_conversations_are_counted()
    {
        var direct = NotificationDigest.PerUser([TestNotifications.For("ann", "dm-1", 4, "hey")]).Single();
        Assert.Equal("New message", direct.Title);
        var two = NotificationDigest.PerUser([TestNotifications.For("ann", "dm-1", 4, "hey"), TestNotifications.For("ann", "dm-1", 5, "there"),
            TestNotifications.For("ann", "team", 9, "all hands", "Team")]).Single();
        Assert.Equal("3 new messages in 2 conversations", two.Title);
        Assert.Equal("all hands", two.Body);
        Assert.Equal("Sent an attachment", NotificationDigest.PerUser([TestNotifications.For("ann", "dm-1", 6, "")]).Single().Body);
    }

    [Fact]
    public void The_push_payload_has_what_a_service_worker_shows_and_opens()
    {
        var digest = NotificationDigest.PerUser([TestNotifications.For("ann", "team", 7, "first", "Team"), TestNotifications.For("ann", "team", 8, "latest", "Team", sender: "bob")]).Single();
        using var json = JsonDocument.Parse(PushPayload.Build(digest));
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("v").GetInt32());
        Assert.Equal("messages", root.GetProperty("type").GetString());
        Assert.Equal("2 new messages in Team", root.GetProperty("title").GetString());
        Assert.Equal("latest", root.GetProperty("body").GetString());
        Assert.Equal("team", root.GetProperty("conversationId").GetString());
        Assert.Equal(8, root.GetProperty("seq").GetInt64());
        Assert.Equal("bob", root.GetProperty("senderId").GetString());
        Assert.Equal(2, root.GetProperty("count").GetInt32());
        Assert.Equal("conversation:team", root.GetProperty("tag").GetString());
        Assert.Equal(TestNotifications.Start.AddSeconds(8), root.GetProperty("createdAt").GetDateTime());
        var conversation = Assert.Single(root.GetProperty("conversations").EnumerateArray());
        Assert.Equal(8, conversation.GetProperty("latestSeq").GetInt64());
    }

    [Fact]
    public void A_payload_with_many_long_titled_conversations_still_fits_one_record()
    {
        var title = new string('t', 400);
        var digest = NotificationDigest.PerUser(Enumerable.Range(1, 40).Select(i => TestNotifications.For("ann", $"group-{i}", i, new string('p', 120), title))).Single();
        var payload = PushPayload.Build(digest);
        Assert.True(payload.Length <= WebPushEncryption.MaxPlaintextLength, $"{payload.Length} bytes");
        using var json = JsonDocument.Parse(payload);
        Assert.Equal(40, json.RootElement.GetProperty("count").GetInt32());
    }
}
