using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ChatStreams.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatStreams.Browser.Tests;

/// <summary>The mute menu in the chat header, against the server's mute API (§12.15) and after a reload.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MuteTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_chat_muted_from_its_header_is_muted_on_the_server_shown_in_the_list_after_a_reload_and_unmuted()
    {
        await using var alice = await browser.OpenAsync();
        await using var bob = await browser.OpenAsync();
        await alice.SignUpAsync(ChatPage.NewUsername("alice"), "Alice");
        await bob.SignUpAsync(ChatPage.NewUsername("bob"), "Bob");
        await alice.StartDirectChatAsync(bob.Username);
        var chat = await alice.ConversationIdAsync("Bob");
        var (_, token) = await alice.SessionAsync();
        var button = alice.Page.Locator("#mute-button");
        await Expect(button).ToHaveTextAsync("🔔 Mute");
        await Expect(button).ToHaveAttributeAsync("aria-haspopup", "menu");
        await Expect(button).ToHaveAttributeAsync("aria-expanded", "false");

        // Keyboard: ↓ opens the menu on its first item, ↓ moves on, Enter chooses and returns focus to the button.
        await button.FocusAsync();
        await alice.Page.Keyboard.PressAsync("ArrowDown");
        var menu = alice.Page.GetByRole(AriaRole.Menu);
        await Expect(menu).ToBeVisibleAsync();
        await Expect(button).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(menu.GetByRole(AriaRole.Menuitem, new() { Name = "Mute for 1 hour" })).ToBeFocusedAsync();
        await Expect(menu.GetByRole(AriaRole.Menuitem, new() { Name = "Unmute" })).ToBeHiddenAsync();
        await alice.Page.Keyboard.PressAsync("ArrowDown");
        await Expect(menu.GetByRole(AriaRole.Menuitem, new() { Name = "Mute for 8 hours" })).ToBeFocusedAsync();
        var before = DateTimeOffset.UtcNow;
        await alice.Page.Keyboard.PressAsync("Enter");
        await Expect(menu).ToBeHiddenAsync();
        await Expect(button).ToBeFocusedAsync();
        await Expect(button).ToHaveAttributeAsync("data-muted", "true");
        await Expect(button).ToContainTextAsync("Muted until");

        var state = await MuteStateAsync(token, chat);
        Assert.True(state.GetProperty("muted").GetBoolean());
        var until = state.GetProperty("until").GetDateTimeOffset();
        Assert.InRange(until, before.AddHours(8).AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(8).AddMinutes(1));
        await ExpectMutedInListAsync(alice, "Bob", true);

        // After a reload the address reopens the chat, and both the header and the list show the mute.
        await alice.Page.ReloadAsync();
        await alice.ExpectConnectedAsync();
        await Expect(alice.Page.Locator("#thread-title")).ToHaveTextAsync("Bob");
        await Expect(button).ToHaveAttributeAsync("data-muted", "true");
        await Expect(button).ToContainTextAsync("Muted until");
        await ExpectMutedInListAsync(alice, "Bob", true);

        // The mouse: until turned back on.
        await button.ClickAsync();
        await menu.GetByRole(AriaRole.Menuitem, new() { Name = "Mute until I turn it back on" }).ClickAsync();
        await Expect(button).ToHaveTextAsync("🔕 Muted");
        Assert.Equal(JsonValueKind.Null, (await MuteStateAsync(token, chat)).GetProperty("until").ValueKind);
        await button.ClickAsync();
        await Expect(menu.GetByRole(AriaRole.Menuitem, new() { Name = "Unmute" })).ToBeVisibleAsync();
        await alice.ScreenshotAsync("mute-menu");
        // Escape closes the menu without a change.
        await alice.Page.Keyboard.PressAsync("Escape");
        await Expect(menu).ToBeHiddenAsync();
        await Expect(button).ToBeFocusedAsync();
        Assert.True((await MuteStateAsync(token, chat)).GetProperty("muted").GetBoolean());

        // A mute is the muting user's own: Bob's list has no icon.
        await Expect(bob.Conversation("Alice")).ToBeVisibleAsync();
        await ExpectMutedInListAsync(bob, "Alice", false);

        await button.ClickAsync();
        await menu.GetByRole(AriaRole.Menuitem, new() { Name = "Unmute" }).ClickAsync();
        await Expect(button).ToHaveTextAsync("🔔 Mute");
        await Expect(button).ToHaveAttributeAsync("data-muted", "false");
        Assert.False((await MuteStateAsync(token, chat)).GetProperty("muted").GetBoolean());
        Assert.Empty((await GetAsync(token, "/api/push/mutes")).EnumerateArray());
        await ExpectMutedInListAsync(alice, "Bob", false);
        await Expect(alice.Page.Locator(".composer-status")).ToHaveTextAsync("Unmuted: new messages notify you again.");
    }

    private static async Task ExpectMutedInListAsync(ChatPage page, string title, bool muted)
    {
        var item = page.Conversation(title);
        await Expect(item).ToHaveAttributeAsync("data-muted", muted ? "true" : "false");
        await Expect(item.Locator(".muted-icon")).ToHaveCountAsync(muted ? 1 : 0);
        if (muted) await Expect(item).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex(", muted"));
    }

    private Task<JsonElement> MuteStateAsync(string token, string conversationId) =>
        GetAsync(token, $"/api/conversations/{Uri.EscapeDataString(conversationId)}/mute");

    private async Task<JsonElement> GetAsync(string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, browser.System.GatewayUrl + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await browser.System.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
