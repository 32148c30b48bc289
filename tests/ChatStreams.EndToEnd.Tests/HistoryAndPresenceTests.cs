using System.Net;
using ChatStreams.EndToEnd.Tests.Support;

namespace ChatStreams.EndToEnd.Tests;

[Collection(ChatSystemCollection.Name)]
public sealed class HistoryAndPresenceTests(ChatSystem system)
{
    [Fact]
    public async Task A_deleted_message_keeps_no_text_in_history_nor_in_a_resume()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        var conversation = await alice.CreateConversationAsync("direct", [bob]);
        await using var device = await alice.ConnectAsync();
        await device.SendMessageAsync(conversation, "s1", "my secret");
        await device.SendAndWaitAsync(new { type = "edit", id = "e", conversationId = conversation, seq = 2, body = "still secret" },
            f => ChatClient.Type(f) == "edited");
        await device.SendAndWaitAsync(new { type = "delete", id = "d", conversationId = conversation, seq = 2 },
            f => ChatClient.Type(f) == "deleted");

        var (status, page) = await bob.CallAsync(HttpMethod.Get, $"/api/conversations/{conversation}/messages?after=0");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("secret", page.GetRawText());
        var message = page.GetProperty("items").EnumerateArray().Single(i => ChatClient.Type(i) == "message");
        Assert.True(message.GetProperty("deleted").GetBoolean());

        await using var bobDevice = await bob.ConnectAsync();
        await bobDevice.SendAndWaitAsync(new { type = "resume", cursors = new Dictionary<string, long> { [conversation] = 0 } }, f => ChatClient.Type(f) == "resumed");
        Assert.Equal([1L, 2, 3, 4], bobDevice.Sequenced(conversation).Select(f => f.GetProperty("seq").GetInt64()));
        Assert.DoesNotContain(bobDevice.Sequenced(conversation), f => f.GetRawText().Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_resume_cursor_beyond_the_last_seq_does_not_silence_the_conversation()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        var conversation = await alice.CreateConversationAsync("direct", [bob]);
        await using var sender = await alice.ConnectAsync();
        await sender.SendMessageAsync(conversation, "one", "one");
        await using var phone = await bob.ConnectAsync();
        var resumed = await phone.SendAndWaitAsync(new { type = "resume", cursors = new Dictionary<string, long> { [conversation] = 50 } },
            f => ChatClient.Type(f) == "resumed");
        Assert.Equal(2, resumed.GetProperty("cursors").GetProperty(conversation).GetInt64());
        await sender.SendMessageAsync(conversation, "two", "two");
        var next = await phone.WaitForAsync(f => ChatClient.Type(f) == "message" && ChatClient.Str(f, "id") == "two");
        Assert.Equal(3, next.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task A_new_socket_is_told_which_contacts_are_online_and_contacts_list_presence()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        await alice.CreateConversationAsync("direct", [bob]);
        await using var bobDevice = await bob.ConnectAsync();
        await using var watcher = await alice.ConnectAsync();
        await watcher.WaitForAsync(f => ChatClient.Type(f) == "presence" && ChatClient.Str(f, "userId") == bob.UserId && ChatClient.Str(f, "status") == "online");

        var (status, contacts) = await alice.CallAsync(HttpMethod.Get, "/api/contacts");
        Assert.Equal(HttpStatusCode.OK, status);
        var contact = contacts.EnumerateArray().Single();
        Assert.Equal(bob.UserId, ChatClient.Str(contact, "userId"));
        Assert.Equal(bob.Username, ChatClient.Str(contact, "username"));
        Assert.Equal("online", ChatClient.Str(contact, "presence"));
    }

    [Fact]
    public async Task Query_parameters_that_do_not_bind_get_a_problem_with_a_code()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        var conversation = await alice.CreateConversationAsync("direct", [bob]);
        var (status, problem) = await alice.CallAsync(HttpMethod.Get, $"/api/conversations/{conversation}/messages?limit=abc");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", ChatClient.Str(problem, "code"));
    }
}
