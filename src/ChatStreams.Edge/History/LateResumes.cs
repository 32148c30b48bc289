using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Edge.History;

/// <summary>
/// Finishes the resumes served while the history store was behind. A resume waits only a moment (2 s) for the store
/// to hold everything decided before it, then sends what the store holds. What was decided but not stored yet would
/// otherwise reach the device only with the conversation's next event, and a quiet conversation has none: a device
/// that resumed during a slow moment of the history sink would miss a new conversation's first event, or the last
/// messages before a pause, until someone wrote again. So such a resume is handed here: once the store holds
/// chat.events up to where it ended after the resume (or <see cref="DefaultGiveUpAfter"/> passed), the socket resumes those
/// conversations again from where it stands.
/// </summary>
/// <remarks>
/// One wait serves every resume that arrived before it started, so a reconnect storm during a lag costs one poll of
/// the sink's progress, not one per socket. Resumes that arrive during a wait are served by the next one.
/// </remarks>
public sealed class LateResumes(IConversationHistory history, ILogger<LateResumes> logger, TimeSpan? giveUpAfter = null) : BackgroundService
{
    /// <summary>How long a round waits for the store by default; past it the sockets get what it holds (their next event or resume fills the rest).</summary>
    public static readonly TimeSpan DefaultGiveUpAfter = TimeSpan.FromMinutes(2);

    /// <summary>Between two asks when the sink's progress could not be read (Kafka unreachable for a moment).</summary>
    private static readonly TimeSpan AskAgainAfter = TimeSpan.FromSeconds(1);

    private readonly TimeSpan _giveUpAfter = giveUpAfter ?? DefaultGiveUpAfter;

    private readonly Channel<(ILateResumer Socket, IReadOnlyDictionary<string, long> Cursors)> _pending =
        Channel.CreateUnbounded<(ILateResumer, IReadOnlyDictionary<string, long>)>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>A resume found the store behind: resume <paramref name="cursors"/> again once it has caught up.</summary>
    public void Add(ILateResumer socket, IReadOnlyDictionary<string, long> cursors) => _pending.Writer.TryWrite((socket, cursors));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _pending.Reader.WaitToReadAsync(stoppingToken))
            {
                try
                {
                    await RunRoundAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A failed round must not stop the edge (a background service that throws stops its host); the
                    // sockets of that round fill the rest at their next event or resume.
                    logger.LogError(e, "A round of late resumes failed; going on with the next.");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    /// <summary>Waits once for the store, then resumes every socket that was waiting when the round began; returns how many (still open).</summary>
    public async Task<int> RunRoundAsync(CancellationToken ct)
    {
        var round = new List<(ILateResumer Socket, IReadOnlyDictionary<string, long> Cursors)>();
        while (_pending.Reader.TryRead(out var entry)) round.Add(entry);
        if (round.Count == 0) return 0;
        var caughtUp = await WaitForStoreAsync(ct);
        if (!caughtUp)
            logger.LogWarning("The history store did not catch up within {GiveUp}; {Sockets} sockets that resumed meanwhile get what it holds (their next event or resume fills the rest).",
                _giveUpAfter, round.Count);
        var open = 0;
        foreach (var (socket, cursors) in round)
        {
            if (socket.Closed) continue;
            socket.ResumeLate(cursors);
            open++;
        }
        logger.LogInformation("{Sockets} sockets that resumed while the history store was behind resume again now that it {Result}.",
            open, caughtUp ? "has caught up" : "was given up on");
        return open;
    }

    /// <summary>
    /// True once the store holds chat.events up to its end at one ask. An ask that fails early (the sink's progress could
    /// not be read: Kafka away for a moment) is made again until the round's time is up.
    /// </summary>
    private async Task<bool> WaitForStoreAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + _giveUpAfter;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return false;
            try
            {
                if (await history.CatchUpAsync(left, ct)) return true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "Could not tell whether the history store caught up; asking again in {Pause}.", AskAgainAfter);
            }
            // Not a pause cut to the time left: a sub-millisecond Task.Delay completes at once, and the last
            // millisecond of the round would be spent asking in a loop.
            if (deadline - DateTime.UtcNow < AskAgainAfter) return false;
            await Task.Delay(AskAgainAfter, ct);
        }
    }
}

/// <summary>A socket as <see cref="LateResumes"/> sees it; the members are safe to call from any thread.</summary>
public interface ILateResumer
{
    /// <summary>Queue a resume of these conversations from where the socket stands (no <c>resumed</c> frame follows it).</summary>
    void ResumeLate(IReadOnlyDictionary<string, long> cursors);

    /// <summary>The socket has closed (or is closing).</summary>
    bool Closed { get; }
}
