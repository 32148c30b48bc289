using ChatStreams.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatStreams.Browser.Tests;

/// <summary>Two people in two browser contexts: sign up, a direct chat, typing, ticks, and a trip offline and back.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DirectChatTests(BrowserFixture browser)
{
    [Fact]
    public async Task Two_users_chat_see_typing_and_read_ticks_and_catch_up_after_being_offline()
    {
        await using var alice = await browser.OpenAsync();
        await using var bob = await browser.OpenAsync();
        await Expect(alice.Page.GetByRole(AriaRole.Heading, new() { Name = "Log in" })).ToBeVisibleAsync();
        await alice.ScreenshotAsync("login");
        await alice.SignUpAsync(ChatPage.NewUsername("alice"), "Alice");
        await bob.SignUpAsync(ChatPage.NewUsername("bob"), "Bob");

        // Alice starts the chat; Bob learns about it live (the conversation frame) and opens it.
        await alice.StartDirectChatAsync(bob.Username);
        await Expect(bob.Conversation("Alice")).ToBeVisibleAsync();
        await alice.SendAsync("Hi Bob, how are you?");
        await Expect(bob.Conversation("Alice").Locator(".badge")).ToHaveTextAsync("1");
        await bob.OpenAsync("Alice");
        await Expect(bob.Message("Hi Bob, how are you?")).ToBeVisibleAsync();

        // Bob has it open, so it is read: Alice's ticks turn to read.
        await Expect(alice.Message("Hi Bob, how are you?")).ToHaveAttributeAsync("data-status", "read");
        await Expect(alice.Page.Locator("[data-testid=presence]")).ToHaveTextAsync("Online");

        // Typing shows on the other side while Alice writes, and goes when she sends.
        await alice.Page.GetByLabel("Message", new() { Exact = true }).PressSequentiallyAsync("Great, ", new() { Delay = 30 });
        await Expect(bob.Page.Locator("[data-testid=typing]")).ToHaveTextAsync("Alice is typing…");
        await alice.Page.GetByLabel("Message", new() { Exact = true }).PressSequentiallyAsync("thanks!");
        await alice.Page.Keyboard.PressAsync("Enter");
        await Expect(bob.Message("Great, thanks!")).ToBeVisibleAsync();
        await Expect(bob.Page.Locator("[data-testid=typing]")).ToHaveTextAsync("");
        await bob.SendAsync("Fine, and you?");
        await Expect(alice.Message("Fine, and you?")).ToBeVisibleAsync();
        await Expect(alice.Message("Great, thanks!")).ToHaveAttributeAsync("data-status", "read");
        await alice.ScreenshotAsync("chat-ticks");

        // Bob's network goes away: the page says so, and Alice keeps writing.
        await bob.Context.SetOfflineAsync(true);
        await Expect(bob.ConnectionStatus).Not.ToHaveTextAsync("Connected");
        await Expect(bob.Page.Locator(".app")).ToHaveAttributeAsync("data-connection", "reconnecting");
        var missed = new[] { "missed one", "missed two", "missed three" };
        foreach (var text in missed) await alice.SendAsync(text);
        await Expect(alice.Message("missed three")).ToHaveAttributeAsync("data-status", "sent");
        await bob.ScreenshotAsync("reconnecting");

        // Back online: it reconnects and resumes; everything missed arrives once, in order, and is read.
        await bob.Context.SetOfflineAsync(false);
        await bob.ExpectConnectedAsync();
        await Expect(bob.Message("missed three")).ToBeVisibleAsync();
        await Expect(alice.Message("missed three")).ToHaveAttributeAsync("data-status", "read");
        var list = await bob.MessageListAsync();
        var bodies = list.Select(m => m.Body).ToList();
        Assert.Equal(["Hi Bob, how are you?", "Great, thanks!", "Fine, and you?", .. missed], bodies);
        Assert.Equal(list.Select(m => m.Seq).Order(), list.Select(m => m.Seq));
        Assert.Equal(list.Count, list.Select(m => m.Seq).Distinct().Count());
    }

    [Fact]
    public async Task Messages_can_be_edited_reacted_to_and_deleted()
    {
        await using var alice = await browser.OpenAsync();
        await using var bob = await browser.OpenAsync();
        await alice.SignUpAsync(ChatPage.NewUsername("alice"), "Alice");
        await bob.SignUpAsync(ChatPage.NewUsername("bob"), "Bob");
        await alice.StartDirectChatAsync(bob.Username);
        await alice.SendAsync("typo hree");
        await alice.SendAsync("to be removed");
        await bob.OpenAsync("Alice");
        await Expect(bob.Message("to be removed")).ToBeVisibleAsync();

        var typo = alice.Message("typo hree");
        await typo.HoverAsync();
        await typo.GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        await alice.Page.GetByLabel("Edit message").FillAsync("typo here");
        await alice.Page.Keyboard.PressAsync("Enter");
        await Expect(bob.Message("typo here")).ToContainTextAsync("(edited)");

        var bobsView = bob.Message("typo here");
        await bobsView.HoverAsync();
        await bobsView.GetByRole(AriaRole.Button, new() { Name = "React with 👍" }).ClickAsync();
        await Expect(alice.Message("typo here").Locator(".reaction")).ToHaveTextAsync("👍 1");

        alice.Page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        var removed = alice.Message("to be removed");
        await removed.HoverAsync();
        await removed.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(bob.Message("to be removed")).ToHaveCountAsync(0);
        await Expect(bob.Messages.Filter(new() { HasTextString = "This message was deleted" })).ToHaveCountAsync(1);
    }
}
