using Microsoft.Playwright;

namespace ChatStreams.Browser.Tests.Support;

/// <summary>
/// One `chatstreams up` and one Debian chromium for the whole collection; each test opens its own browser contexts
/// (separate sessionStorage, so separate users). Playwright's Node driver ships in its NuGet package and runs offline;
/// no browser is ever downloaded.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    public ChatSystem System { get; } = new();
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
            throw new InvalidOperationException(
                $"{Chromium} is missing: the browser tests use Debian's chromium only. Install the Debian package 'chromium' " +
                "(apt-get install -y chromium, or run scripts/install-test-deps.sh as root); never `playwright install`.");
        // Expectations wait for the real system (Kafka round trips, presence windows), not for an animation.
        Assertions.SetDefaultExpectTimeout(20_000);
        var start = System.StartAsync();
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true });
        await start;
    }

    public async Task<ChatPage> OpenAsync(int width = 1100, int height = 760)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, BaseURL = System.GatewayUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        return new ChatPage(context, page);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        Playwright?.Dispose();
        await System.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
