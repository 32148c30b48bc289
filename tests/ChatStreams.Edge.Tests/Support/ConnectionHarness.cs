using System.Threading.RateLimiting;
using ChatStreams.Edge.Connections;
using ChatStreams.Edge.History;
using ChatStreams.Edge.Typing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatStreams.Edge.Tests.Support;

/// <summary>A <see cref="ClientConnection"/> of user alice on a <see cref="FakeWebSocket"/>, running until disposed.</summary>
internal sealed class ConnectionHarness : IAsyncDisposable
{
    private readonly List<IDisposable> _owned = [];

    public FakeWebSocket Socket { get; } = new();
    public TestHistory Store { get; } = new();
    public TestMedia Media { get; } = new();
    public IConversationHistory History => Store.History;
    public ClientConnection Connection { get; }
    public InProcessTypingBus Typing { get; } = new();
    /// <summary>The edge's late resumes over this history; not running: a test runs its rounds (<see cref="LateResumes.RunRoundAsync"/>).</summary>
    public LateResumes LateResumes { get; }
    public Task Run { get; }

    /// <summary>A token bucket that never refills during a test, so exactly <paramref name="tokens"/> frames pass.</summary>
    public static RateLimiter Bucket(int tokens) => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
    {
        TokenLimit = tokens,
        TokensPerPeriod = 1,
        ReplenishmentPeriod = TimeSpan.FromHours(1),
        QueueLimit = 0,
        AutoReplenishment = false,
    });

    public static EdgeOptions Options(Action<EdgeOptions>? configure = null)
    {
        // Held events wait for the first client frame unless a test says otherwise.
        var options = new EdgeOptions { Id = "edge-test", ResumeGrace = TimeSpan.FromMinutes(10), HistoryWait = TimeSpan.FromSeconds(20) };
        configure?.Invoke(options);
        return options;
    }

    public ConnectionHarness(UnreachableKafka kafka, EdgeOptions? options = null,
        RateLimiter? connectionRate = null, RateLimiter? userRate = null, string userId = "alice",
        ChatStreams.Edge.Media.MediaAttachments? media = null, LiveTailWatch? liveTail = null)
    {
        options ??= Options();
        _owned.Add(Store);
        _owned.Add(Media);
        connectionRate ??= Own(Bucket(100_000));
        userRate ??= Own(Bucket(100_000));
        LateResumes = new LateResumes(History, NullLogger<LateResumes>.Instance);
        Connection = new ClientConnection(Socket, userId, "phone", options, History, connectionRate, userRate, NullLogger.Instance, liveTail: liveTail,
            lateResumes: LateResumes);
        var handler = new ClientFrameHandler(kafka.Commands, Typing, History, media ?? Media.Attachments, Microsoft.Extensions.Options.Options.Create(options),
            TimeProvider.System, NullLogger<ClientFrameHandler>.Instance);
        Run = Task.Run(() => Connection.RunAsync(handler, CancellationToken.None));
    }

    private T Own<T>(T disposable) where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    /// <summary>Lands events in the history store, as the history sink does.</summary>
    public void Apply(params chatstreams.v1.ChatEvent[] events) => Store.Apply(events);

    /// <summary>The client's first frame (a ping), which also releases held events; returns the frame count after the pong.</summary>
    public async Task<int> PingAsync()
    {
        var before = Socket.Sent.Count;
        Socket.Receive("""{"type":"ping"}""");
        await Socket.WaitForAsync(f => FakeWebSocket.Type(f) == "pong", before);
        return Socket.Sent.Count;
    }

    /// <summary>Waits for the connection to end; fails if it does not.</summary>
    public Task EndedAsync() => Run.WaitAsync(TimeSpan.FromSeconds(20));

    public async ValueTask DisposeAsync()
    {
        if (!Run.IsCompleted) Socket.ReceiveClose();
        await EndedAsync();
        foreach (var owned in _owned) owned.Dispose();
    }
}
