using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatStreams.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatStreams.Browser.Tests;

/// <summary>
/// End-to-end encrypted chats in real browsers: two users read each other's messages while the socket carries only
/// ciphertext, a device added later cannot read what came before it, and a message altered in transit is refused
/// with a visible error instead of being shown.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EncryptedChatTests(BrowserFixture browser)
{
    [Fact]
    public async Task Two_users_exchange_encrypted_messages_the_socket_carries_only_ciphertext_and_safety_numbers_match()
    {
        await using var alice = await browser.OpenAsync();
        await using var bob = await browser.OpenAsync();
        var bobReceived = RecordFrames(bob.Page);
        await alice.SignUpAsync(ChatPage.NewUsername("alice"), "Alice");
        await bob.SignUpAsync(ChatPage.NewUsername("bob"), "Bob");

        await StartEncryptedDirectChatAsync(alice, bob.Username);
        await alice.SendAsync("the vault code is 4711");
        await Expect(bob.Conversation("Alice")).ToBeVisibleAsync();
        await bob.OpenAsync("Alice");
        await Expect(bob.Message("the vault code is 4711")).ToBeVisibleAsync();
        await bob.SendAsync("got it, burning this note");
        await Expect(alice.Message("got it, burning this note")).ToBeVisibleAsync();

        // What crossed Bob's socket: the message frames carried ciphertext, never the text. Frames keep arriving
        // (receipts, presence) while the test reads: take a copy under the recorder's lock.
        List<string> received;
        lock (bobReceived) received = [.. bobReceived];
        var messageFrames = received.Where(f => f.Contains("\"type\":\"message\"", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(messageFrames);
        Assert.All(messageFrames, f => Assert.Contains("\"ciphertext\":", f));
        Assert.DoesNotContain(received, f => f.Contains("vault code", StringComparison.Ordinal) || f.Contains("burning this note", StringComparison.Ordinal));

        // Safety numbers: 60 digits, the same on both screens.
        var aliceDigits = await SafetyNumberAsync(alice);
        var bobDigits = await SafetyNumberAsync(bob);
        Assert.Matches(@"^(\d{5} ){11}\d{5}$", aliceDigits);
        Assert.Equal(aliceDigits, bobDigits);
        await alice.ScreenshotAsync("encrypted-chat-safety-number");
    }

    [Fact]
    public async Task A_device_added_later_cannot_read_earlier_messages_but_reads_new_ones()
    {
        await using var alice = await browser.OpenAsync();
        await using var bob = await browser.OpenAsync();
        await alice.SignUpAsync(ChatPage.NewUsername("alice"), "Alice");
        await bob.SignUpAsync(ChatPage.NewUsername("bob"), "Bob");
        await StartEncryptedDirectChatAsync(alice, bob.Username);
        await alice.SendAsync("before the new phone");
        await bob.OpenAsync("Alice");
        await Expect(bob.Message("before the new phone")).ToBeVisibleAsync();

        // Bob logs in on a third device (a new browser: new keys, published now).
        await using var bobPhone = await browser.OpenAsync();
        await LogInAsync(bobPhone, bob.Username);
        await bobPhone.OpenAsync("Alice");
        var earlier = bobPhone.Messages.First;
        await Expect(earlier.Locator(".decrypt-error")).ToContainTextAsync("not encrypted for this device");
        await Expect(bobPhone.Message("before the new phone")).ToHaveCountAsync(0);

        await alice.SendAsync("after the new phone");
        await Expect(bobPhone.Message("after the new phone")).ToBeVisibleAsync();
        await Expect(bob.Message("after the new phone")).ToBeVisibleAsync();
        await bobPhone.ScreenshotAsync("encrypted-chat-new-device");
    }

    [Fact]
    public async Task Ciphertext_altered_in_transit_is_refused_with_a_visible_error_and_never_shown()
    {
        await using var alice = await browser.OpenAsync();
        await using var bob = await browser.OpenAsync();
        var tamper = new TamperSwitch();
        // Bob's socket goes through the test: it flips one bit of every copy in the next encrypted message.
        await bob.Page.RouteWebSocketAsync(url => url.Contains("/ws?", StringComparison.Ordinal), ws =>
        {
            var server = ws.ConnectToServer();
            ws.OnMessage(frame => server.Send(frame.Text ?? ""));
            server.OnMessage(frame => ws.Send(tamper.Apply(frame.Text ?? "")));
        });
        await alice.SignUpAsync(ChatPage.NewUsername("alice"), "Alice");
        await bob.SignUpAsync(ChatPage.NewUsername("bob"), "Bob");
        await StartEncryptedDirectChatAsync(alice, bob.Username);
        await alice.SendAsync("first, untouched");
        await bob.OpenAsync("Alice");
        await Expect(bob.Message("first, untouched")).ToBeVisibleAsync();

        tamper.Armed = true;
        await alice.SendAsync("transfer 100 to Carol");
        var refused = bob.Page.Locator(".decrypt-error");
        await Expect(refused).ToContainTextAsync("failed authentication");
        await Expect(bob.Message("transfer 100 to Carol")).ToHaveCountAsync(0);
        Assert.True(tamper.Tampered);

        // The session survives a forgery: the next genuine message reads fine.
        await alice.SendAsync("second, untouched");
        await Expect(bob.Message("second, untouched")).ToBeVisibleAsync();
        await bob.ScreenshotAsync("encrypted-chat-tampered");
    }

    /// <summary>Starts an encrypted direct chat from the New chat dialog (the "End-to-end encrypted" box ticked).</summary>
    internal static async Task StartEncryptedDirectChatAsync(ChatPage page, string username)
    {
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "New chat" }).ClickAsync();
        await page.PickUserAsync("Find people", username);
        await page.Page.GetByLabel("End-to-end encrypted").CheckAsync();
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Start direct chat" }).ClickAsync();
        await Expect(page.Page.Locator("dialog")).ToHaveCountAsync(0);
        await Expect(page.Page.GetByRole(AriaRole.Button, new() { Name = "🔒 Verify" })).ToBeVisibleAsync();
    }

    private static async Task LogInAsync(ChatPage page, string username)
    {
        await page.Page.GetByLabel("Username").FillAsync(username);
        await page.Page.GetByLabel("Password").FillAsync("correct horse battery");
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await page.ExpectConnectedAsync();
    }

    private static async Task<string> SafetyNumberAsync(ChatPage page)
    {
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "🔒 Verify" }).ClickAsync();
        var digits = page.Page.Locator("#safety-number .safety-digits");
        await Expect(digits).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d{5}"), new() { Timeout = 30_000 });
        var text = await digits.InnerTextAsync();
        await page.Page.Keyboard.PressAsync("Escape");
        return text;
    }

    private static List<string> RecordFrames(IPage page)
    {
        var frames = new List<string>();
        page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) => { lock (frames) frames.Add(frame.Text ?? ""); };
        return frames;
    }

    /// <summary>Flips one bit in each recipient's copy of the next encrypted message frame, once armed.</summary>
    private sealed class TamperSwitch
    {
        public volatile bool Armed;
        public volatile bool Tampered;

        public string Apply(string text)
        {
            if (!Armed || Tampered || !text.Contains("\"ciphertext\"", StringComparison.Ordinal)) return text;
            var frame = JsonNode.Parse(text)!.AsObject();
            if ((string?)frame["type"] != "message") return text;
            var envelope = JsonNode.Parse(Convert.FromBase64String((string)frame["ciphertext"]!))!.AsObject();
            foreach (var (_, copy) in envelope["to"]!.AsObject())
            {
                var bytes = Convert.FromBase64String((string)copy!["c"]!);
                bytes[bytes.Length / 2] ^= 0x01;
                copy["c"] = Convert.ToBase64String(bytes);
            }
            frame["ciphertext"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(envelope.ToJsonString()));
            Tampered = true;
            return frame.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        }
    }
}
