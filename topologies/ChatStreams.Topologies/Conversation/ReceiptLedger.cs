using ChatStreams.Streams.State;
using chatstreams.v1;

namespace ChatStreams.Topologies.Conversation;

/// <summary>
/// The receipts part of the conversation topology: each member's delivered/read high-water marks (a receipt covers
/// every seq up to it, so only the maximum matters) and, per conversation, the lowest marks among the members with
/// how many members sit at them. "Read by all" up to seq s means every member's readSeq &gt;= s, i.e. ReadMin &gt;= s;
/// keeping the count at the minimum makes that O(1) per receipt: the members are rescanned only when the last member
/// at the minimum moves past it.
/// </summary>
public sealed class ReceiptLedger(IKeyValueStore<string, ReceiptMarks> receipts, IKeyValueStore<string, MessageAuthor> messages)
{
    /// <summary>
    /// A member joins at <paramref name="joinedSeq"/>: earlier messages are not theirs to read. Call before counting
    /// the member in <see cref="ConversationHead.MemberCount"/>.
    /// </summary>
    public void Join(ConversationHead head, string conversationId, string userId, long joinedSeq)
    {
        var start = Math.Max(0, joinedSeq - 1);
        receipts.Put(StoreKeys.Of(conversationId, userId), new ReceiptMarks(start, start));
        if (head.MemberCount == 0)
        {
            (head.ReadMin, head.ReadMinCount, head.DeliveredMin, head.DeliveredMinCount) = (start, 1, start, 1);
            return;
        }
        // Every existing mark is <= LastSeq = joinedSeq - 1 = start, so the newcomer can only tie the minimum.
        if (start == head.ReadMin) head.ReadMinCount++;
        if (start == head.DeliveredMin) head.DeliveredMinCount++;
    }

    /// <summary>A member leaves; the minima no longer wait for them.</summary>
    public void Leave(ConversationHead head, string conversationId, string userId)
    {
        var old = receipts.Delete(StoreKeys.Of(conversationId, userId));
        if (old is null) return;
        if (old.ReadSeq == head.ReadMin) head.ReadMinCount--;
        if (old.DeliveredSeq == head.DeliveredMin) head.DeliveredMinCount--;
        Rescan(head, conversationId);
    }

    /// <summary>
    /// Raises a member's marks (never lowers them; Read implies Delivered). Returns the update to publish, or null
    /// when nothing moved (a repeated or older receipt).
    /// </summary>
    public ReceiptUpdate? Advance(ConversationHead head, string conversationId, string userId, ReceiptStatus status, long seq, DateTime at)
    {
        var key = StoreKeys.Of(conversationId, userId);
        var old = receipts.Get(key) ?? new ReceiptMarks(0, 0);
        var read = status == ReceiptStatus.Read ? Math.Max(old.ReadSeq, seq) : old.ReadSeq;
        var delivered = Math.Max(old.DeliveredSeq, Math.Max(seq, read));
        if (read == old.ReadSeq && delivered == old.DeliveredSeq) return null;

        receipts.Put(key, new ReceiptMarks(delivered, read));
        if (old.ReadSeq == head.ReadMin && read != old.ReadSeq) head.ReadMinCount--;
        if (old.DeliveredSeq == head.DeliveredMin && delivered != old.DeliveredSeq) head.DeliveredMinCount--;
        Rescan(head, conversationId);

        // Senders learn about their messages that this update newly covers (delivered ticks or read ticks).
        var covered = CoveredSenders(conversationId, userId, (old.DeliveredSeq + 1, delivered), (old.ReadSeq + 1, read));
        return new ReceiptUpdate
        {
            ConversationId = conversationId,
            UserId = userId,
            DeliveredSeq = delivered,
            ReadSeq = read,
            At = at,
            ReadByAllSeq = head.ReadMin,
            DeliveredToAllSeq = head.DeliveredMin,
            CoveredSenders = covered,
        };
    }

    /// <summary>
    /// The senders, other than the member, of the messages in the newly delivered and the newly read seqs, in ordinal
    /// order. A read receipt usually moves both marks over the same seqs, so overlapping ranges are read once.
    /// </summary>
    private List<string> CoveredSenders(string conversationId, string userId, (long From, long To) delivered, (long From, long To) read)
    {
        var senders = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (from, to) in Merged(delivered, read))
            foreach (var message in messages.Range(StoreKeys.Seq(conversationId, from), StoreKeys.Seq(conversationId, to)))
                if (message.Value.SenderId != userId) senders.Add(message.Value.SenderId);
        return [.. senders];
    }

    /// <summary>Two inclusive seq ranges (either may be empty) as the fewest ranges covering the same seqs.</summary>
    internal static IEnumerable<(long From, long To)> Merged((long From, long To) a, (long From, long To) b)
    {
        if (a.From > a.To) a = b;
        else if (b.From <= b.To)
        {
            if (b.From < a.From) (a, b) = (b, a);
            if (b.From <= a.To + 1) a = (a.From, Math.Max(a.To, b.To));
            else
            {
                yield return a;
                a = b;
            }
        }
        if (a.From <= a.To) yield return a;
    }

    /// <summary>Recomputes a minimum from all members once nobody is left at it.</summary>
    private void Rescan(ConversationHead head, string conversationId)
    {
        if (head.ReadMinCount > 0 && head.DeliveredMinCount > 0) return;
        var marks = receipts.PrefixScan(StoreKeys.Prefix(conversationId)).Select(e => e.Value).ToList();
        if (marks.Count == 0)
        {
            (head.ReadMin, head.ReadMinCount, head.DeliveredMin, head.DeliveredMinCount) = (0, 0, 0, 0);
            return;
        }
        if (head.ReadMinCount <= 0)
        {
            head.ReadMin = marks.Min(m => m.ReadSeq);
            head.ReadMinCount = marks.Count(m => m.ReadSeq == head.ReadMin);
        }
        if (head.DeliveredMinCount <= 0)
        {
            head.DeliveredMin = marks.Min(m => m.DeliveredSeq);
            head.DeliveredMinCount = marks.Count(m => m.DeliveredSeq == head.DeliveredMin);
        }
    }
}
