using ChatStreams.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatStreams.Browser.Tests;

/// <summary>Groups: a third person added later sees the group from her joining on; members can be removed.</summary>
[Collection(BrowserCollection.Name)]
public sealed class GroupTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_member_added_later_sees_the_group_from_her_join_on()
    {
        await using var alice = await browser.OpenAsync();
        await using var bob = await browser.OpenAsync();
        await using var carol = await browser.OpenAsync();
        await alice.SignUpAsync(ChatPage.NewUsername("alice"), "Alice");
        await bob.SignUpAsync(ChatPage.NewUsername("bob"), "Bob");
        await carol.SignUpAsync(ChatPage.NewUsername("carol"), "Carol");

        await alice.StartDirectChatAsync(carol.Username);
        await alice.SendAsync("Carol, I'll add you to the team soon");
        await alice.CreateGroupAsync("Team", bob.Username);
        await alice.SendAsync("before carol: the secret plan");
        await Expect(bob.Conversation("Team")).ToBeVisibleAsync();

        // Alice adds Carol from the members dialog.
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Members" }).ClickAsync();
        await alice.PickUserAsync("Add a member", carol.Username);
        await Expect(alice.Page.Locator("dialog .members li")).ToHaveCountAsync(3);
        await alice.Page.Keyboard.PressAsync("Escape");
        await Expect(alice.Page.Locator("[data-testid=presence]")).ToContainTextAsync("3 members");

        await alice.SendAsync("welcome carol");
        await Expect(carol.Conversation("Team")).ToBeVisibleAsync();
        await carol.OpenAsync("Team");
        await Expect(carol.Message("welcome carol")).ToBeVisibleAsync();
        await bob.OpenAsync("Team");
        await bob.SendAsync("hi carol");
        await Expect(carol.Message("hi carol")).ToBeVisibleAsync();
        await Expect(alice.Message("hi carol")).ToBeVisibleAsync();
        // Nothing from before her joining, however far she scrolls back.
        await carol.Page.Locator(".scroller").EvaluateAsync("s => s.scrollTop = 0");
        await Expect(carol.Message("before carol: the secret plan")).ToHaveCountAsync(0);
        Assert.Equal(["welcome carol", "hi carol"], (await carol.MessageListAsync()).Select(m => m.Body));
        await alice.ScreenshotAsync("group");
        await alice.Page.Locator(".conversation").First.FocusAsync();
        await alice.ScreenshotAsync("conversations");

        // Alice removes Bob; he no longer has the group.
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Members" }).ClickAsync();
        await alice.Page.GetByRole(AriaRole.Button, new() { Name = "Remove Bob" }).ClickAsync();
        await Expect(alice.Page.Locator("dialog .members li")).ToHaveCountAsync(2);
        await alice.Page.Keyboard.PressAsync("Escape");
        await Expect(bob.Conversation("Team")).ToHaveCountAsync(0);
    }
}
