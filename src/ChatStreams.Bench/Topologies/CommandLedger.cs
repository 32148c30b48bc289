using System.Collections.Concurrent;

namespace ChatStreams.Bench.Topologies;

/// <summary>
/// Every command the benchmark sent, by command id, so the producer's acks and the readers' sightings (which carry
/// the command id in the event) land on the right <see cref="CommandTimeline"/>. Events and deliveries of commands
/// it never sent, and rejections, are counted: either one means the run did not measure what it claims.
/// </summary>
public sealed class CommandLedger
{
    private readonly ConcurrentDictionary<string, CommandTimeline> _commands = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _rejections = new();
    private int _strays;

    public int Strays => Volatile.Read(ref _strays);

    /// <summary>Why commands were rejected (code and reason), as the sequencer said.</summary>
    public IReadOnlyCollection<string> Rejections => _rejections;

    /// <summary>Starts the timeline of a command about to be sent.</summary>
    /// <exception cref="ArgumentException">The command id was already used.</exception>
    public CommandTimeline Expect(string commandId, int deliveries)
    {
        var timeline = new CommandTimeline(deliveries);
        if (!_commands.TryAdd(commandId, timeline)) throw new ArgumentException($"command id {commandId} was already sent", nameof(commandId));
        return timeline;
    }

    public void EventSeen(string commandId, long at)
    {
        if (_commands.TryGetValue(commandId, out var timeline)) timeline.MarkEvent(at);
        else Interlocked.Increment(ref _strays);
    }

    public void DeliverySeen(string commandId, long at)
    {
        if (_commands.TryGetValue(commandId, out var timeline)) timeline.AddDelivery(at);
        else Interlocked.Increment(ref _strays);
    }

    public void Rejected(string commandId, string code, string? reason) => _rejections.Enqueue($"{commandId}: {code} {reason}");
}
