using System.Collections.Concurrent;

namespace ChatStreams.Bench.Load;

/// <summary>
/// Which message reached which client, against what should have: every member of a conversation (the sender
/// included) must get every message sent to it once, and each sender's messages in the order they were sent.
/// Message numbers of one phase start at <paramref name="firstNumber"/>; earlier ones (a previous phase's
/// stragglers) and other conversations' messages count as strays, not as deliveries.
/// </summary>
public sealed class DeliveryLedger
{
    private readonly Dictionary<string, HashSet<int>> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<int, string> _conversationOf = [];
    private readonly ConcurrentDictionary<int, StrongBox> _sent = new();
    // Keyed by the pair, not by recipient << 32 | sender: a long hashes as its two halves XORed, and members of one
    // conversation have neighbouring indexes, so the 10,000 pairs of 100 groups of 10 shared ~16 hash codes and every
    // arrival walked a chain of hundreds (a fifth of the generator's CPU at 6,000 deliveries/s).
    private readonly ConcurrentDictionary<(int Recipient, int Sender), Track> _tracks = new();
    private readonly int _firstNumber;
    private long _strays;
    private long _outsiders;

    /// <param name="conversations">Each conversation's members (client indexes); every sender must be a member of exactly one.</param>
    public DeliveryLedger(IEnumerable<(string ConversationId, IReadOnlyList<int> Members)> conversations, int firstNumber = 0)
    {
        _firstNumber = firstNumber;
        foreach (var (id, members) in conversations)
        {
            _members[id] = [.. members];
            foreach (var member in members)
                if (!_conversationOf.TryAdd(member, id))
                    throw new ArgumentException($"client {member} is in two conversations of one phase ({_conversationOf[member]} and {id})", nameof(conversations));
        }
    }

    /// <summary>Counts a send by <paramref name="sender"/> (before it is written, so a delivery can never precede it).</summary>
    public void Sent(int sender)
    {
        if (!_conversationOf.ContainsKey(sender)) throw new ArgumentException($"client {sender} is in none of this phase's conversations", nameof(sender));
        Interlocked.Increment(ref _sent.GetOrAdd(sender, _ => new StrongBox()).Value);
    }

    /// <summary>Records a delivery; true when it is the first arrival of a message this phase sent to that client (a latency sample).</summary>
    public bool Record(in Delivery delivery)
    {
        if (!_members.TryGetValue(delivery.ConversationId, out var members)
            || !LoadMessageId.TryParse(delivery.MessageId, out var sender, out var number)
            || number < _firstNumber)
        {
            Interlocked.Increment(ref _strays);
            return false;
        }
        if (!members.Contains(delivery.Recipient) || !members.Contains(sender))
        {
            Interlocked.Increment(ref _outsiders);
            return false;
        }
        var track = _tracks.GetOrAdd((delivery.Recipient, sender), _ => new Track());
        lock (track)
        {
            var index = number - _firstNumber;
            while (track.Counts.Count <= index) track.Counts.Add(0);
            if (track.Counts[index]++ > 0)
            {
                track.Duplicates++;
                return false;
            }
            if (index < track.Highest) track.OutOfOrder++;
            track.Highest = Math.Max(track.Highest, index);
            return true;
        }
    }

    /// <summary>The phase's accounting now; lost counts every expected delivery that has not arrived (yet).</summary>
    public DeliveryTally Tally()
    {
        long expected = 0, delivered = 0, duplicates = 0, outOfOrder = 0, beyond = 0;
        foreach (var (id, members) in _members)
        foreach (var sender in members)
        {
            var sent = _sent.TryGetValue(sender, out var box) ? Volatile.Read(ref box.Value) : 0;
            expected += (long)sent * members.Count;
            foreach (var recipient in members)
            {
                if (!_tracks.TryGetValue((recipient, sender), out var track)) continue;
                lock (track)
                {
                    for (var i = 0; i < track.Counts.Count; i++)
                        if (track.Counts[i] > 0)
                        {
                            if (i < sent) delivered++;
                            else beyond++;
                        }
                    duplicates += track.Duplicates;
                    outOfOrder += track.OutOfOrder;
                }
            }
        }
        return new DeliveryTally(expected, delivered, expected - delivered, duplicates, outOfOrder, Interlocked.Read(ref _outsiders) + beyond, Interlocked.Read(ref _strays));
    }

    /// <summary>Messages this phase sent.</summary>
    public long SentCount => _sent.Values.Sum(b => (long)Volatile.Read(ref b.Value));

    private sealed class StrongBox
    {
        public int Value;
    }

    /// <summary>What one recipient got from one sender: arrivals per message number.</summary>
    private sealed class Track
    {
        public readonly List<byte> Counts = [];
        public int Highest = -1;
        public long Duplicates;
        public long OutOfOrder;
    }
}

/// <summary>Deliveries of a phase against what was due.</summary>
/// <param name="Expected">Messages sent × members of their conversation (the sender's own copy included).</param>
/// <param name="Delivered">Distinct messages that reached a member.</param>
/// <param name="Lost">Expected but never delivered.</param>
/// <param name="Duplicates">Second and later arrivals of one message at one client.</param>
/// <param name="OutOfOrder">First arrivals of a message after a later one of the same sender.</param>
/// <param name="Unexpected">Arrivals at a non-member, from a non-member, or of a message never sent.</param>
/// <param name="Strays">Messages of other conversations or earlier phases (late but not this phase's concern).</param>
public sealed record DeliveryTally(long Expected, long Delivered, long Lost, long Duplicates, long OutOfOrder, long Unexpected, long Strays)
{
    public bool Clean => Lost == 0 && Duplicates == 0 && OutOfOrder == 0 && Unexpected == 0;
}
