using ChatStreams.Browser.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatStreams.Browser.Tests;

[Collection(BrowserCollection.Name)]
public sealed class AttachmentTests(BrowserFixture browser)
{
    /// <summary>A 1×1 PNG.</summary>
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    [Fact]
    public async Task An_uploaded_image_shows_its_preview_to_the_others()
    {
        await using var alice = await browser.OpenAsync();
        await using var bob = await browser.OpenAsync();
        await alice.SignUpAsync(ChatPage.NewUsername("alice"), "Alice");
        await bob.SignUpAsync(ChatPage.NewUsername("bob"), "Bob");
        await alice.StartDirectChatAsync(bob.Username);
        await alice.SendAsync("a picture follows");
        await alice.Page.Locator("#attach").SetInputFilesAsync(new FilePayload { Name = "dot.png", MimeType = "image/png", Buffer = Png });
        await Expect(alice.Page.Locator(".composer-status")).ToHaveTextAsync("Sent dot.png.");
        await bob.OpenAsync("Alice");
        var preview = bob.Messages.Last.Locator("img.preview");
        await Expect(preview).ToBeVisibleAsync();
        // Loaded through the bearer-token fetch (an object URL), and really decoded as an image.
        Assert.StartsWith("blob:", await preview.GetAttributeAsync("src"));
        Assert.True(await preview.EvaluateAsync<bool>("img => img.complete && img.naturalWidth === 1"));
        await bob.ScreenshotAsync("attachment");
    }
}
