using ChatStreams.TestSupport;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatStreams.Browser.Tests.Support;

/// <summary>One user in one browser context, driven the way a person uses the page: labels, roles and buttons.</summary>
public sealed class ChatPage(IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IBrowserContext Context { get; } = context;
    public IPage Page { get; } = page;
    public string Username { get; private set; } = "";
    public string DisplayName { get; private set; } = "";

    public static string NewUsername(string who) => who + Guid.NewGuid().ToString("N")[..8];

    public async Task SignUpAsync(string username, string displayName)
    {
        Username = username;
        DisplayName = displayName;
        await Page.GetByRole(AriaRole.Button, new() { Name = "New here? Create an account" }).ClickAsync();
        await Page.GetByLabel("Username").FillAsync(username);
        await Page.GetByLabel("Password").FillAsync("correct horse battery");
        await Page.GetByLabel("Display name").FillAsync(displayName);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign up" }).ClickAsync();
        await ExpectConnectedAsync();
    }

    public ILocator ConnectionStatus => Page.Locator(".topbar .connection");

    public Task ExpectConnectedAsync() => Expect(ConnectionStatus).ToHaveTextAsync("Connected", new() { Timeout = 30_000 });

    public ILocator Conversation(string title) => Page.Locator(".conversation", new() { Has = Page.Locator(".conversation-title", new() { HasTextString = title }) });

    /// <summary>Sequenced messages on screen (not the ones still being sent).</summary>
    public ILocator Messages => Page.Locator("ol.messages:not(.pending) > li.message");

    public ILocator Message(string text) => Messages.Filter(new() { Has = Page.Locator(".body", new() { HasTextString = text }) });

    public async Task StartDirectChatAsync(string username)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "New chat" }).ClickAsync();
        await PickUserAsync("Find people", username);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Start direct chat" }).ClickAsync();
        await Expect(Page.Locator("dialog")).ToHaveCountAsync(0);
        await Expect(Page.GetByLabel("Message", new() { Exact = true })).ToBeFocusedAsync();
    }

    public async Task CreateGroupAsync(string title, params string[] usernames)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "New chat" }).ClickAsync();
        foreach (var u in usernames) await PickUserAsync("Find people", u);
        await Page.GetByLabel("Group name").FillAsync(title);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create group" }).ClickAsync();
        await Expect(Page.Locator("dialog")).ToHaveCountAsync(0);
        await Expect(Page.Locator("#thread-title")).ToHaveTextAsync(title);
        await Expect(Page.GetByLabel("Message", new() { Exact = true })).ToBeFocusedAsync();
    }

    public async Task PickUserAsync(string label, string username)
    {
        await Page.GetByLabel(label).FillAsync(username);
        await Page.Locator($"button.user[data-username='{username}']").ClickAsync();
    }

    public async Task OpenAsync(string title)
    {
        await Conversation(title).ClickAsync();
        await Expect(Page.Locator("#thread-title")).ToHaveTextAsync(title);
    }

    public async Task SendAsync(string text)
    {
        await Page.GetByLabel("Message", new() { Exact = true }).FillAsync(text);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(Message(text)).ToHaveCountAsync(1);
    }

    /// <summary>The bodies of the sequenced messages in screen order, with their seqs.</summary>
    public async Task<IReadOnlyList<(int Seq, string Body)>> MessageListAsync()
    {
        var rows = await Page.EvalOnSelectorAllAsync<string[][]>("ol.messages:not(.pending) > li.message",
            "rows => rows.map(r => [r.dataset.seq, r.querySelector('.body')?.firstChild?.textContent ?? ''])");
        return [.. rows.Select(r => (int.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture), r[1]))];
    }

    /// <summary>The signed-in user's id and access token, as the page keeps them (sessionStorage).</summary>
    public async Task<(string UserId, string Token)> SessionAsync()
    {
        var session = await Page.EvaluateAsync<string[]>("() => { const s = JSON.parse(sessionStorage.getItem('chatstreams.session')); return [s.userId, s.token]; }");
        return (session[0], session[1]);
    }

    /// <summary>The id of a chat in the list, by its title.</summary>
    public async Task<string> ConversationIdAsync(string title) => (await Conversation(title).GetAttributeAsync("data-conversation-id"))!;

    public async Task ScreenshotAsync(string name)
    {
        var dir = Path.Combine(RepositoryPaths.Root, "docs", "screenshots");
        Directory.CreateDirectory(dir);
        await Page.ScreenshotAsync(new() { Path = Path.Combine(dir, name + ".png") });
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
