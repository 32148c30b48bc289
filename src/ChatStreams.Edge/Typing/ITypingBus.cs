namespace ChatStreams.Edge.Typing;

/// <summary>
/// Carries typing signals between edges: Redis pub/sub when Redis is configured, otherwise within this process only
/// (one edge, or several edges in one process). Delivery is best effort, as typing indicators are.
/// </summary>
public interface ITypingBus
{
    Task PublishAsync(TypingSignal signal);

    /// <summary>Called for every signal published by any edge, this one included.</summary>
    void Subscribe(Action<TypingSignal> onSignal);
}
