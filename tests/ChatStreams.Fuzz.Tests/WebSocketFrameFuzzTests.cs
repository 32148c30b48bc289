using System.Net.WebSockets;
using System.Text.Json;
using ChatStreams.Fuzz.Tests.Mutations;
using ChatStreams.Fuzz.Tests.Support;
using Xunit.Abstractions;

namespace ChatStreams.Fuzz.Tests;

/// <summary>
/// Fuzzed client frames through the gateway. Every answer is a documented frame, a refused frame gets bad_frame or
/// too_large, the socket keeps serving, and nothing that was refused (or was not the sender's to do) changes the
/// conversation: its history and last seq are the same before and after.
/// </summary>
[Collection(FuzzSystemCollection.Name)]
public sealed class WebSocketFrameFuzzTests(FuzzSystem system, ITestOutputHelper output)
{
    private static readonly HashSet<string> ServerFrameTypes =
    [
        "ready", "ack", "message", "receipt", "typing", "presence", "edited", "deleted", "reaction", "error", "pong", "conversation",
        "member_added", "member_removed", "resumed", "reconnect",
    ];

    [Fact]
    public async Task Refused_frames_get_bad_frame_or_too_large_and_change_nothing()
    {
        var (alice, bob, conversation) = await ConversationWithHistoryAsync();
        var before = await HistoryAsync(alice, conversation);
        await using var socket = await alice.ConnectAsync();
        var mutator = new FrameMutator(FuzzSettings.For("frames-refused"));
        var failures = new List<string>();
        for (var i = 0; i < FuzzSettings.Iterations; i++)
        {
            var fuzz = mutator.NextRefused(conversation, "r" + i);
            var answers = await SendAndCollectAsync(socket, fuzz);
            if (answers is null) { failures.Add($"socket closed after {fuzz} {FuzzSettings.Describe(i)}: {socket.CloseStatus} {socket.CloseDescription}"); break; }
            var codes = answers.Where(f => FuzzSocket.Type(f) == "error").Select(f => FuzzSocket.Str(f, "code")).ToList();
            if (codes.Count != 1 || codes[0] is not ("bad_frame" or "too_large"))
                failures.Add($"{fuzz} {FuzzSettings.Describe(i)} answered {string.Join(", ", answers.Select(a => a.GetRawText()))}");
        }
        output.WriteLine($"{FuzzSettings.Iterations} refused frames, seed {FuzzSettings.Seed}, {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
        Assert.DoesNotContain(socket.Frames, f => FuzzSocket.Type(f) is "ack" or "message");
        Assert.Equal(before, await HistoryAsync(alice, conversation));
        Assert.Equal(before, await HistoryAsync(bob, conversation));
        await system.AssertNothingCrashedAsync();
    }

    [Fact]
    public async Task Well_formed_frames_of_a_stranger_are_refused_and_change_nothing()
    {
        var (alice, _, conversation) = await ConversationWithHistoryAsync();
        var mallory = await FuzzAccount.RegisterAsync(system, "mallory");
        var before = await HistoryAsync(alice, conversation);
        await using var watcher = await alice.ConnectAsync();
        await using var socket = await mallory.ConnectAsync();
        var mutator = new FrameMutator(FuzzSettings.For("frames-stranger"));
        var random = FuzzSettings.For("frames-stranger-targets");
        var failures = new List<string>();
        for (var i = 0; i < FuzzSettings.Iterations; i++)
        {
            // Alice's conversation, one that does not exist, or a conversation id that is itself odd.
            var target = random.Next(3) switch { 0 => conversation, 1 => Guid.NewGuid().ToString("N"), _ => "dm-" + conversation[3..] + "x" };
            var fuzz = mutator.NextWellFormed(target, "w" + (i % 7)); // ids repeat: replays of the same id
            if (await SendAndCollectAsync(socket, fuzz) is null)
            {
                failures.Add($"socket closed after {fuzz} {FuzzSettings.Describe(i)}: {socket.CloseStatus} {socket.CloseDescription}");
                break;
            }
        }
        // Commands travel through Kafka to the sequencer: give its refusals time to come back, then check everything.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
        Assert.True(await socket.BarrierAsync(), $"the socket closed: {socket.CloseStatus} {socket.CloseDescription}");
        foreach (var frame in socket.Frames)
        {
            var type = FuzzSocket.Type(frame);
            if (type is null || !ServerFrameTypes.Contains(type)) failures.Add("undocumented frame " + frame.GetRawText());
            else if (type == "error" && !DocumentedErrors.FrameCodes.Contains(FuzzSocket.Str(frame, "code") ?? "")) failures.Add("undocumented error " + frame.GetRawText());
            else if (type is "message" or "edited" or "deleted" or "reaction" or "typing" && FuzzSocket.Str(frame, "conversationId") == conversation)
                failures.Add("the stranger received an event of the conversation: " + frame.GetRawText());
        }
        output.WriteLine($"{FuzzSettings.Iterations} well-formed frames of a stranger, seed {FuzzSettings.Seed}, {socket.Frames.Count} answers, {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
        Assert.DoesNotContain(watcher.Frames, f => FuzzSocket.Str(f, "senderId") == mallory.UserId || FuzzSocket.Str(f, "userId") == mallory.UserId);
        Assert.Equal(before, await HistoryAsync(alice, conversation));
        await system.AssertNothingCrashedAsync();
    }

    [Fact]
    public async Task Invalid_utf8_fails_only_that_connection_with_1007()
    {
        var (alice, _, conversation) = await ConversationWithHistoryAsync();
        var before = await HistoryAsync(alice, conversation);
        var mutator = new FrameMutator(FuzzSettings.For("frames-utf8"));
        var cases = Math.Max(3, FuzzSettings.Iterations / 30);
        for (var i = 0; i < cases; i++)
        {
            await using var socket = await alice.ConnectAsync();
            var fuzz = mutator.InvalidUtf8(conversation, "u" + i);
            await socket.SendAsync(fuzz.Payload);
            await socket.WaitForAsync(_ => false, 0, TimeSpan.FromSeconds(10)); // until closed
            Assert.True(socket.Closed, $"{fuzz} {FuzzSettings.Describe(i)}: the socket stayed open");
            Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, socket.CloseStatus);
        }
        // The edges are unharmed: a new socket works, and nothing was sent.
        await using var after = await alice.ConnectAsync();
        Assert.True(await after.BarrierAsync());
        Assert.Equal(before, await HistoryAsync(alice, conversation));
        await system.AssertNothingCrashedAsync();
    }

    /// <summary>Sends one case, then a ping; returns the frames that came before the pong (null when the socket closed).</summary>
    private static async Task<List<JsonElement>?> SendAndCollectAsync(FuzzSocket socket, FrameCase fuzz)
    {
        while (true)
        {
            var from = socket.Count;
            try { await socket.SendAsync(fuzz.Payload, fuzz.MessageType); }
            catch (WebSocketException) { return null; }
            if (!await socket.BarrierAsync()) return null;
            var answers = socket.Frames.Skip(from).Where(f => FuzzSocket.Type(f) is not ("pong" or "presence" or "receipt" or "typing")).ToList();
            // The case itself may have met an empty bucket: wait for it to refill and send it again.
            if (answers.Any(f => FuzzSocket.Str(f, "code") == "rate_limited")) { await Task.Delay(1000); continue; }
            return answers;
        }
    }

    private async Task<(FuzzAccount Alice, FuzzAccount Bob, string Conversation)> ConversationWithHistoryAsync()
    {
        var alice = await FuzzAccount.RegisterAsync(system, "alice");
        var bob = await FuzzAccount.RegisterAsync(system, "bob");
        var conversation = await alice.CreateConversationAsync("direct", [bob]);
        await using var socket = await alice.ConnectAsync();
        for (var i = 0; i < 3; i++)
        {
            var from = socket.Count;
            await socket.SendAsync(FuzzSocket.Utf8(JsonSerializer.Serialize(new { type = "send", id = "h" + i, conversationId = conversation, body = "history " + i })));
            Assert.NotNull(await socket.WaitForAsync(f => FuzzSocket.Type(f) == "message" && FuzzSocket.Str(f, "id") == "h" + i, from));
        }
        return (alice, bob, conversation);
    }

    /// <summary>The conversation as its member sees it over REST: the newest history page and the summary's last seq.</summary>
    private static async Task<string> HistoryAsync(FuzzAccount member, string conversation)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var page = await member.CallAsync(HttpMethod.Get, $"/api/conversations/{conversation}/messages?limit=200");
            var summary = await member.CallAsync(HttpMethod.Get, $"/api/conversations/{conversation}");
            if (page.Status == System.Net.HttpStatusCode.OK && summary.Status == System.Net.HttpStatusCode.OK)
            {
                var seqs = page.Json.GetProperty("items").EnumerateArray().Select(item => item.GetRawText());
                return $"lastSeq {summary.Json.GetProperty("lastSeq")}\n" + string.Join('\n', seqs);
            }
            Assert.True(DateTime.UtcNow < deadline, $"history of {conversation}: {page} / {summary}");
            await Task.Delay(200);
        }
    }
}
