using ChatStreams.TestSupport;

namespace ChatStreams.EndToEnd.Tests.Support;

/// <summary>
/// `chatstreams up` for the end-to-end tests, shared by the tests of one collection: a small group limit (group_full
/// with a few dozen users) and a short drain notice.
/// </summary>
public sealed class ChatSystem : LocalChatSystem, IAsyncLifetime
{
    public const int MaxGroupMembers = 60;

    public ChatSystem() : this(new OtlpTraceReceiver()) { }

    /// <summary>Every component exports its spans to <paramref name="traces"/> (OTLP over HTTP), as a cluster's would to a collector.</summary>
    private ChatSystem(OtlpTraceReceiver traces) : base("e2e", new Dictionary<string, string>
    {
        ["Topologies__Conversation__MaxGroupMembers"] = MaxGroupMembers.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Edge__DrainNotice"] = "00:00:00.500",
        ["Observability__OtlpEndpoint"] = traces.Endpoint,
        ["Observability__OtlpProtocol"] = "http/protobuf",
    }) => Traces = traces;

    public OtlpTraceReceiver Traces { get; }

    public Task InitializeAsync() => StartAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        Traces.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ChatSystemCollection : ICollectionFixture<ChatSystem>
{
    public const string Name = "chat system";
}
