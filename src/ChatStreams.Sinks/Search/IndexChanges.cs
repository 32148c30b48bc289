using chatstreams.v1;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Sinks.Search;

/// <summary>
/// A batch of events folded into the writes an index has to make: per message its final document (or its removal),
/// per conversation the new applied-seq watermark. Both indexes use it, so they agree on what an event does.
/// Events at or below a conversation's watermark are skipped: that is what makes a replayed batch, or a replayed
/// MessageSent after its deletion, change nothing.
/// </summary>
/// <remarks>
/// The fold starts from the watermark and replays every later event of the batch in seq order, so it converges even
/// when an earlier attempt wrote part of its changes but not the watermark (Elasticsearch has no atomic batch):
/// a message sent, edited and deleted after the watermark is re-sent, re-edited and re-deleted; an edit whose
/// target is already gone is skipped, and the deletion that removed it is replayed after it anyway.
/// </remarks>
internal sealed class IndexChanges
{
    /// <summary>The document each touched message ends up as; null means it is removed from the index.</summary>
    public Dictionary<MessageKey, IndexedMessage?> Messages { get; } = [];

    /// <summary>
    /// The messages first sent in this batch (above their conversation's watermark). An index whose batches land
    /// atomically with the watermark (Lucene) has no document for them yet, so it can add them without first deleting
    /// by id; an index that may hold part of a failed batch (Elasticsearch) must not rely on it.
    /// </summary>
    public HashSet<MessageKey> FirstSent { get; } = [];

    /// <summary>The new watermark of each conversation the batch advanced.</summary>
    public Dictionary<string, long> AppliedSeqs { get; } = new(StringComparer.Ordinal);

    /// <summary>Messages of end-to-end encrypted conversations in the batch, left out of the index (no text to index).</summary>
    public int EncryptedSkipped { get; private set; }

    public bool IsEmpty => Messages.Count == 0 && AppliedSeqs.Count == 0;

    public static async Task<IndexChanges> FoldAsync(IReadOnlyList<ChatEvent> events, IIndexedState state, ILogger logger, CancellationToken ct)
    {
        var changes = new IndexChanges();
        var conversations = events
            .Where(ChatEventDecoding.TakesPosition)
            .GroupBy(e => e.ConversationId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(e => e.Seq).DistinctBy(e => e.Seq).ToList(), StringComparer.Ordinal);
        if (conversations.Count == 0) return changes;

        var applied = await state.AppliedSeqsAsync(conversations.Keys, ct);
        foreach (var (id, list) in conversations)
            list.RemoveAll(e => e.Seq <= applied.GetValueOrDefault(id));

        // Edited messages sent in an earlier batch are read from the index: the edit keeps their sender and time.
        var sentHere = conversations.Values.SelectMany(list => list.Where(e => e.Payload is MessageSent))
            .Select(e => new MessageKey(e.ConversationId, e.Seq)).ToHashSet();
        var earlier = conversations.Values.SelectMany(list => list)
            .Select(e => e.Payload is MessageEdited edited ? new MessageKey(e.ConversationId, edited.TargetSeq) : (MessageKey?)null)
            .OfType<MessageKey>()
            .Where(key => !sentHere.Contains(key))
            .Distinct()
            .ToList();
        var indexed = earlier.Count > 0 ? await state.MessagesAsync(earlier, ct) : new Dictionary<MessageKey, IndexedMessage>();

        foreach (var list in conversations.Values)
            foreach (var e in list)
            {
                changes.Apply(e, indexed, logger);
                changes.AppliedSeqs[e.ConversationId] = e.Seq;
            }
        if (changes.EncryptedSkipped > 0)
            logger.LogDebug("Left {Count} end-to-end encrypted messages out of the search index: their content is ciphertext; clients search their decrypted history",
                changes.EncryptedSkipped);
        return changes;
    }

    private void Apply(ChatEvent e, IReadOnlyDictionary<MessageKey, IndexedMessage> indexed, ILogger logger)
    {
        switch (e.Payload)
        {
            case MessageSent { Ciphertext: not null }:
                // End-to-end encrypted: the server has no text to index; clients search their decrypted history.
                EncryptedSkipped++;
                break;
            case MessageSent sent:
                var key = new MessageKey(e.ConversationId, e.Seq);
                FirstSent.Add(key);
                Messages[key] = new IndexedMessage(key, sent.MessageId, e.UserId, DateTime.SpecifyKind(e.OccurredAt, DateTimeKind.Utc), sent.Body,
                    sent.Attachments.Select(a => a.FileName).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n!).ToList(), false);
                break;
            case MessageEdited edited:
                var target = new MessageKey(e.ConversationId, edited.TargetSeq);
                var current = Messages.TryGetValue(target, out var pending) ? pending : indexed.GetValueOrDefault(target);
                if (current is null)
                {
                    // Deleted before (its text must stay gone) or never a message: nothing to search.
                    logger.LogDebug("Edit {Seq} of conversation {Conversation} targets message {Target}, which is not indexed; ignored.",
                        e.Seq, e.ConversationId, edited.TargetSeq);
                    break;
                }
                Messages[target] = current with { Text = edited.Body, Edited = true };
                break;
            case MessageDeleted deleted:
                Messages[new MessageKey(e.ConversationId, deleted.TargetSeq)] = null;
                break;
        }
    }
}
