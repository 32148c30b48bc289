namespace ChatStreams.Edge.Typing;

/// <summary>The bus when no Redis is configured: signals reach the edges of this process only.</summary>
public sealed class InProcessTypingBus : ITypingBus
{
    private event Action<TypingSignal>? Signalled;

    public Task PublishAsync(TypingSignal signal)
    {
        Signalled?.Invoke(signal);
        return Task.CompletedTask;
    }

    public void Subscribe(Action<TypingSignal> onSignal) => Signalled += onSignal;
}
