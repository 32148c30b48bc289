using ChatStreams.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatStreams.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class SearchAndLayoutTests(BrowserFixture browser)
{
    [Fact]
    public async Task Search_finds_a_message_with_the_hit_highlighted_and_opens_it()
    {
        await using var alice = await browser.OpenAsync();
        await using var bob = await browser.OpenAsync();
        await alice.SignUpAsync(ChatPage.NewUsername("alice"), "Alice");
        await bob.SignUpAsync(ChatPage.NewUsername("bob"), "Bob");
        await alice.StartDirectChatAsync(bob.Username);
        await alice.SendAsync("The release notes are <ready> for review");
        await alice.SendAsync("lunch at noon?");

        // The search index trails the conversation by a moment: search until the hit is there.
        var search = bob.Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search messages" });
        var hit = bob.Page.Locator("button.hit");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await search.FillAsync("release notes");
            await search.PressAsync("Enter");
            await Expect(bob.Page.Locator(".results-count")).ToBeVisibleAsync();
            if (await hit.CountAsync() > 0) break;
            await Task.Delay(500);
        } while (DateTime.UtcNow < deadline);
        await Expect(hit).ToHaveCountAsync(1);
        await Expect(hit.Locator("mark")).ToHaveTextAsync(["release", "notes"], new() { IgnoreCase = true });
        // The message's own angle brackets are text, not markup.
        await Expect(hit.Locator(".hit-text")).ToContainTextAsync("<ready>");
        await bob.ScreenshotAsync("search");

        await hit.ClickAsync();
        await Expect(bob.Page.Locator("#thread-title")).ToHaveTextAsync("Alice");
        await Expect(bob.Message("The release notes are <ready> for review")).ToBeFocusedAsync();
    }

    [Fact]
    public async Task The_client_works_at_a_phone_width()
    {
        await using var alice = await browser.OpenAsync(360, 740);
        await using var bob = await browser.OpenAsync();
        await bob.SignUpAsync(ChatPage.NewUsername("bob"), "Bob");
        await alice.SignUpAsync(ChatPage.NewUsername("alice"), "Alice");
        await alice.StartDirectChatAsync(bob.Username);
        await alice.SendAsync("Sent from my phone");
        await bob.OpenAsync("Alice");
        await bob.SendAsync("Looks good on a small screen");
        await Expect(alice.Message("Looks good on a small screen")).ToBeVisibleAsync();
        // One pane at a time, nothing wider than the screen.
        await Expect(alice.Page.Locator(".sidebar")).ToBeHiddenAsync();
        Assert.True(await alice.Page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 360"));
        await alice.ScreenshotAsync("phone-chat");
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Back to conversations" }).ClickAsync();
        await Expect(alice.Conversation("Bob")).ToBeVisibleAsync();
        await Expect(alice.Page.Locator(".thread")).ToBeHiddenAsync();
        await alice.ScreenshotAsync("phone-list");
    }

    [Fact]
    public async Task The_login_form_is_keyboard_usable_and_reports_wrong_passwords()
    {
        await using var page = await browser.OpenAsync();
        await Expect(page.Page.GetByLabel("Username")).ToBeFocusedAsync();
        await page.Page.Keyboard.TypeAsync("nobody-" + Guid.NewGuid().ToString("N")[..6]);
        await page.Page.Keyboard.PressAsync("Tab");
        await page.Page.Keyboard.TypeAsync("wrong password");
        await page.Page.Keyboard.PressAsync("Enter");
        await Expect(page.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong username or password.");
    }
}
