using ChatStreams.Edge.Connections;
using ChatStreams.Edge.Frames;
using ChatStreams.Edge.History;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Edge.Typing;

/// <summary>Delivers typing signals from the bus to the sockets here of the conversation's other members.</summary>
public sealed class TypingRelay(ITypingBus bus, ConnectionRegistry connections, IConversationHistory history, ILogger<TypingRelay> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        bus.Subscribe(Relay);
        return Task.CompletedTask;
    }

    // The bus calls back synchronously; the members come from the history store, so the fan-out runs on its own.
    private void Relay(TypingSignal signal) => _ = RelayAsync(signal);

    private async Task RelayAsync(TypingSignal signal)
    {
        IReadOnlyList<string> members;
        try
        {
            members = await history.MembersOfAsync(signal.ConversationId, CancellationToken.None);
        }
        catch (Exception e)
        {
            // Typing is ephemeral: a signal the store could not place is dropped, never retried.
            logger.LogWarning("Typing signal for {Conversation} dropped: {Reason}", signal.ConversationId, e.Message);
            return;
        }
        var frame = ServerFrames.Typing(signal.ConversationId, signal.UserId, signal.Started);
        foreach (var member in members)
        {
            if (member == signal.UserId) continue; // the typist's own devices know
            foreach (var connection in connections.ForUser(member)) connection.Send(frame);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
