namespace ChatStreams.Streams.Runtime;

/// <summary>Punctuators of one time kind (stream time or wall clock) of one task, ordered by when they fire next.</summary>
internal sealed class PunctuationQueue
{
    private readonly PriorityQueue<PunctuationSchedule, long> _queue = new();

    public int Count => _queue.Count;

    public void Add(PunctuationSchedule schedule) => _queue.Enqueue(schedule, schedule.NextTime);

    /// <summary>Runs every punctuator due at <paramref name="now"/> once, then reschedules it; returns whether any ran.</summary>
    public bool MayPunctuate(long now, Action<PunctuationSchedule, long> run)
    {
        var any = false;
        while (_queue.TryPeek(out var schedule, out var due) && due <= now)
        {
            _queue.Dequeue();
            if (schedule.Cancelled) continue;
            any = true;
            try
            {
                run(schedule, now);
            }
            finally
            {
                // Rescheduled strictly after now (so this loop ends), also when the punctuator threw.
                if (!schedule.Cancelled)
                {
                    schedule.Reschedule(now);
                    _queue.Enqueue(schedule, schedule.NextTime);
                }
            }
        }
        return any;
    }
}
