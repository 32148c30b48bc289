namespace ChatStreams.Bench.Topologies;

/// <summary>
/// Where one command was seen on its way through the pipeline, as <see cref="System.Diagnostics.Stopwatch"/>
/// timestamps of the benchmark process: handed to the producer, acknowledged by Kafka (what an edge waits for before
/// it acks the client), its event visible on chat.events, and each Delivery of it visible on a delivery topic (all
/// read with read_committed, so "visible" means after the writing topology's transaction committed).
/// Written from the producer's and the readers' threads; read once everything has arrived.
/// </summary>
public sealed class CommandTimeline(int expectedDeliveries)
{
    private readonly long[] _deliveredAt = new long[expectedDeliveries];
    private long _sentAt;
    private long _ackedAt;
    private long _eventAt;
    private int _delivered;
    private int _surplus;

    /// <summary>Deliveries the command must cause: one per member of its conversation (each has one connection).</summary>
    public int ExpectedDeliveries => _deliveredAt.Length;

    public long SentAt => Volatile.Read(ref _sentAt);
    public long AckedAt => Volatile.Read(ref _ackedAt);
    public long EventAt => Volatile.Read(ref _eventAt);

    /// <summary>Deliveries seen so far, at most <see cref="ExpectedDeliveries"/>.</summary>
    public int Delivered => Math.Min(Volatile.Read(ref _delivered), ExpectedDeliveries);

    /// <summary>Deliveries seen beyond the expected count: duplicates, which exactly-once must never show.</summary>
    public int Surplus => Volatile.Read(ref _surplus);

    public bool Complete => Delivered == ExpectedDeliveries && AckedAt != 0 && EventAt != 0;

    /// <summary>The arrival time of each delivery seen, in arrival order.</summary>
    public ReadOnlySpan<long> DeliveredAt => _deliveredAt.AsSpan(0, Delivered);

    public void MarkSent(long at) => Volatile.Write(ref _sentAt, at);

    public void MarkAcked(long at) => Volatile.Write(ref _ackedAt, at);

    /// <summary>The first sighting counts; a re-read of the event (it never should happen) does not move it.</summary>
    public void MarkEvent(long at) => Interlocked.CompareExchange(ref _eventAt, at, 0);

    public void AddDelivery(long at)
    {
        var slot = Interlocked.Increment(ref _delivered) - 1;
        if (slot < _deliveredAt.Length) _deliveredAt[slot] = at;
        else Interlocked.Increment(ref _surplus);
    }
}
