using ChatStreams.TestSupport;

namespace ChatStreams.EndToEnd.Tests.Support;

/// <summary>
/// `chatstreams up` for the end-to-end tests, shared by the tests of one collection: a small group limit (group_full
/// with a few dozen users) and a short drain notice.
/// </summary>
public sealed class ChatSystem() : LocalChatSystem("e2e", new Dictionary<string, string>
{
    ["Topologies__Conversation__MaxGroupMembers"] = MaxGroupMembers.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ["Edge__DrainNotice"] = "00:00:00.500",
}), IAsyncLifetime
{
    public const int MaxGroupMembers = 60;

    public Task InitializeAsync() => StartAsync();

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}

[CollectionDefinition(Name)]
public sealed class ChatSystemCollection : ICollectionFixture<ChatSystem>
{
    public const string Name = "chat system";
}
