using System.Collections.Concurrent;
using System.Diagnostics;

namespace ChatStreams.Bench.Sinks;

/// <summary>
/// Watches one store for the messages written during the freshness run: per conversation the messages not yet seen,
/// oldest first; every few milliseconds it asks the store about the oldest one and, once seen, about the next (a
/// conversation lands in seq order). A sample is the time from the message's transaction commit to the first poll that saw it.
/// </summary>
public sealed class FreshnessWatch(IBenchSink sink)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(long Seq, long CommittedAt)>> _pending = new(StringComparer.Ordinal);
    private readonly List<double> _samples = [];

    public IReadOnlyList<double> Samples { get { lock (_samples) return [.. _samples]; } }

    public int Pending => _pending.Values.Sum(q => q.Count);

    public void Written(string conversationId, long seq, long committedAt) =>
        _pending.GetOrAdd(conversationId, _ => new()).Enqueue((seq, committedAt));

    public async Task RunAsync(CancellationToken ct)
    {
        try { await PollAsync(ct); }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    private async Task PollAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            foreach (var (conversationId, queue) in _pending)
                while (queue.TryPeek(out var next) && await sink.IsVisibleAsync(conversationId, next.Seq, ct))
                {
                    var seen = Stopwatch.GetTimestamp();
                    queue.TryDequeue(out _);
                    lock (_samples) _samples.Add(Stopwatch.GetElapsedTime(next.CommittedAt, seen).TotalMilliseconds);
                }
            await Task.Delay(PollInterval, ct);
        }
    }
}
