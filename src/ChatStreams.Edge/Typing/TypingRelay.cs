using ChatStreams.Edge.Connections;
using ChatStreams.Edge.Frames;
using ChatStreams.Edge.History;
using Microsoft.Extensions.Hosting;

namespace ChatStreams.Edge.Typing;

/// <summary>Delivers typing signals from the bus to the sockets here of the conversation's other members.</summary>
public sealed class TypingRelay(ITypingBus bus, ConnectionRegistry connections, IConversationHistory history) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        bus.Subscribe(Relay);
        return Task.CompletedTask;
    }

    private void Relay(TypingSignal signal)
    {
        var frame = ServerFrames.Typing(signal.ConversationId, signal.UserId, signal.Started);
        foreach (var member in history.MembersOf(signal.ConversationId))
        {
            if (member == signal.UserId) continue; // the typist's own devices know
            foreach (var connection in connections.ForUser(member)) connection.Send(frame);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
