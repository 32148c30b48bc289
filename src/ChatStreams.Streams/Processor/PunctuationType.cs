namespace ChatStreams.Streams.Processor;

public enum PunctuationType
{
    /// <summary>Fires as stream time (the largest record timestamp seen by the task) passes each interval.</summary>
    StreamTime,

    /// <summary>Fires on the wall clock of the injected <see cref="TimeProvider"/>, also when no records arrive.</summary>
    WallClockTime,
}

/// <summary>Cancels a scheduled punctuation.</summary>
public interface ICancellable
{
    void Cancel();
}
