using chatstreams.v1;
using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Driver;
using static ChatStreams.Sinks.History.Mongo.MongoHistorySchema;

namespace ChatStreams.Sinks.History.Mongo;

public sealed partial class MongoHistoryStore
{
    private static readonly UpdateOptions Upsert = new() { IsUpsert = true };

    /// <summary>
    /// Without a multi-document transaction (a standalone server has none), idempotence comes from the conversation's
    /// applied-seq watermark: events are applied one by one in seq order and the watermark moves past an event only
    /// after all its effects are written, so a replayed event at or below it is skipped. Every single effect is
    /// itself repeatable (upserts keyed by (conversationId, seq), $set, $addToSet/$pull, $max), so the one event a
    /// crash can interrupt is safely applied again. Readers may briefly see a batch half applied; nothing is lost.
    /// </summary>
    public async Task ApplyAsync(IReadOnlyList<ChatEvent> events, IReadOnlyList<ReceiptUpdate> receipts, CancellationToken ct)
    {
        await EnsureInitializedAsync(ct);
        var conversations = events
            .Where(ChatEventDecoding.TakesPosition)
            .GroupBy(e => e.ConversationId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var conversation in conversations)
        {
            var applied = await AppliedSeqAsync(conversation.Key, ct);
            foreach (var e in conversation.OrderBy(e => e.Seq).DistinctBy(e => e.Seq))
            {
                if (e.Seq <= applied) continue;
                await ApplyEventAsync(e, ct);
                applied = e.Seq;
            }
        }
        foreach (var receipt in receipts)
            await RetryOnDuplicateAsync(() => _readState.UpdateOneAsync(
                ByConversation(receipt.ConversationId) & Builders<BsonDocument>.Filter.Eq(UserId, receipt.UserId),
                Builders<BsonDocument>.Update.Max(DeliveredSeq, receipt.DeliveredSeq).Max(ReadSeq, receipt.ReadSeq),
                Upsert, ct));
    }

    private async Task<long> AppliedSeqAsync(string conversationId, CancellationToken ct)
    {
        var doc = await _conversations.Find(new BsonDocument(Id, conversationId))
            .Project(new BsonDocument(AppliedSeq, 1)).FirstOrDefaultAsync(ct);
        return doc?.GetValue(AppliedSeq, 0L).ToInt64() ?? 0;
    }

    private async Task ApplyEventAsync(ChatEvent e, CancellationToken ct)
    {
        long? target = e.Payload switch
        {
            MessageEdited edited => edited.TargetSeq,
            MessageDeleted deleted => deleted.TargetSeq,
            ReactionChanged reaction => reaction.TargetSeq,
            _ => null,
        };
        var targetMessage = target is { } t ? await MessageStateAsync(e.ConversationId, t, ct) : null;
        // An edit of a deleted message keeps no text, not even in its own stored event.
        var stored = e.Payload is MessageEdited && targetMessage?[Deleted].AsBoolean == true ? DeletedText.Redact(e) : e;
        var at = ToBson(e.OccurredAt);
        var insert = new BsonDocument
        {
            { ConversationId, e.ConversationId }, { Seq, e.Seq }, { EventType, e.Payload.GetType().Name }, { UserId, e.UserId },
            { OccurredAt, at }, { Record, new BsonBinaryData(EventRecordCodec.Encode(stored)) },
        };
        if (target is { } targetSeq) insert[TargetSeq] = targetSeq;
        await RetryOnDuplicateAsync(() => _events.UpdateOneAsync(BySeq(e.ConversationId, e.Seq), new BsonDocument("$setOnInsert", insert), Upsert, ct));

        await ApplyEffectsAsync(e, targetMessage, ct);

        var update = Builders<BsonDocument>.Update.Max(LastActivity, at).Max(LastSeq, e.Seq).Max(AppliedSeq, e.Seq);
        update = e.Payload is ConversationCreated created
            ? update.Set(Kind, created.Kind == ConversationKind.Direct ? "direct" : "group")
                .Set(Title, created.Title is null ? BsonNull.Value : (BsonValue)created.Title).Set(CreatedAt, at)
            : update.SetOnInsert(Kind, "group").SetOnInsert(Title, BsonNull.Value).SetOnInsert(CreatedAt, at);
        await RetryOnDuplicateAsync(() => _conversations.UpdateOneAsync(new BsonDocument(Id, e.ConversationId), update, Upsert, ct));
    }

    private async Task ApplyEffectsAsync(ChatEvent e, BsonDocument? targetMessage, CancellationToken ct)
    {
        var update = Builders<BsonDocument>.Update;
        switch (e.Payload)
        {
            case ConversationCreated created:
                foreach (var member in created.Members)
                    await JoinAsync(e, member, created.Admins.Contains(member) ? MemberRole.Admin : MemberRole.Member, ct);
                break;
            case MemberAdded added:
                await JoinAsync(e, added.MemberId, added.Role, ct);
                break;
            case MemberRemoved removed:
                await _memberships.UpdateOneAsync(OpenMembership(e.ConversationId, removed.MemberId), update.Set(ToSeq, e.Seq), cancellationToken: ct);
                break;
            case MessageSent sent:
                await RetryOnDuplicateAsync(() => _messages.UpdateOneAsync(BySeq(e.ConversationId, e.Seq), update
                    .SetOnInsert(SenderId, e.UserId).SetOnInsert(Body, sent.Body).SetOnInsert(Edited, false).SetOnInsert(Deleted, false)
                    .SetOnInsert(Reactions, new BsonArray()), Upsert, ct));
                break;
            case MessageEdited edited when targetMessage is null:
                LogMissingTarget(e, edited.TargetSeq);
                break;
            case MessageEdited edited:
                await _messages.UpdateOneAsync(BySeq(e.ConversationId, edited.TargetSeq) & Builders<BsonDocument>.Filter.Eq(Deleted, false),
                    update.Set(Body, edited.Body).Set(Edited, true), cancellationToken: ct);
                break;
            case MessageDeleted deletion when targetMessage is null:
                LogMissingTarget(e, deletion.TargetSeq);
                break;
            case MessageDeleted deletion:
                await _messages.UpdateOneAsync(BySeq(e.ConversationId, deletion.TargetSeq), update.Set(Body, "").Set(Deleted, true), cancellationToken: ct);
                await RedactAsync(e.ConversationId, deletion.TargetSeq, ct);
                break;
            case ReactionChanged reaction when targetMessage is null:
                LogMissingTarget(e, reaction.TargetSeq);
                break;
            case ReactionChanged reaction:
                var pair = new BsonDocument { { Emoji, reaction.Emoji }, { UserId, e.UserId } };
                await _messages.UpdateOneAsync(BySeq(e.ConversationId, reaction.TargetSeq),
                    reaction.Action == ReactionAction.Remove ? update.Pull(Reactions, pair) : update.AddToSet(Reactions, pair), cancellationToken: ct);
                break;
        }
    }

    /// <summary>A join opens a visibility range at its seq; joining while a member only updates the role.</summary>
    private async Task JoinAsync(ChatEvent e, string userId, MemberRole role, CancellationToken ct)
    {
        var roleName = role == MemberRole.Admin ? "admin" : "member";
        var update = Builders<BsonDocument>.Update;
        if ((await _memberships.UpdateOneAsync(OpenMembership(e.ConversationId, userId), update.Set(Role, roleName), cancellationToken: ct)).MatchedCount > 0)
            return;
        var join = Builders<BsonDocument>.Filter.Eq(ConversationId, e.ConversationId) & Builders<BsonDocument>.Filter.Eq(UserId, userId)
                   & Builders<BsonDocument>.Filter.Eq(FromSeq, e.Seq);
        await RetryOnDuplicateAsync(() => _memberships.UpdateOneAsync(join, update.SetOnInsert(ToSeq, BsonNull.Value).SetOnInsert(Role, roleName), Upsert, ct));
    }

    /// <summary>Takes a deleted message's text out of the stored events: the message itself and every edit of it.</summary>
    private async Task RedactAsync(string conversationId, long targetSeq, CancellationToken ct)
    {
        var filter = ByConversation(conversationId) & (Builders<BsonDocument>.Filter.Eq(Seq, targetSeq)
            | (Builders<BsonDocument>.Filter.Eq(TargetSeq, targetSeq) & Builders<BsonDocument>.Filter.Eq(EventType, nameof(MessageEdited))));
        var rows = await _events.Find(filter).Project(new BsonDocument { { Seq, 1 }, { Record, 1 } }).ToListAsync(ct);
        foreach (var row in rows)
        {
            var redacted = DeletedText.Redact(EventRecordCodec.Decode(row[Record].AsByteArray));
            await _events.UpdateOneAsync(Builders<BsonDocument>.Filter.Eq(Id, row[Id]),
                Builders<BsonDocument>.Update.Set(Record, new BsonBinaryData(EventRecordCodec.Encode(redacted))), cancellationToken: ct);
        }
    }

    private Task<BsonDocument?> MessageStateAsync(string conversationId, long seq, CancellationToken ct) =>
        _messages.Find(BySeq(conversationId, seq)).Project(new BsonDocument(Deleted, 1)).FirstOrDefaultAsync(ct)!;

    private static FilterDefinition<BsonDocument> ByConversation(string conversationId) =>
        Builders<BsonDocument>.Filter.Eq(ConversationId, conversationId);

    private static FilterDefinition<BsonDocument> BySeq(string conversationId, long seq) =>
        ByConversation(conversationId) & Builders<BsonDocument>.Filter.Eq(Seq, seq);

    private static FilterDefinition<BsonDocument> OpenMembership(string conversationId, string userId) =>
        ByConversation(conversationId) & Builders<BsonDocument>.Filter.Eq(UserId, userId) & Builders<BsonDocument>.Filter.Eq(ToSeq, BsonNull.Value);

    /// <summary>
    /// Two upserts of the same key racing (an edge never writes, but two sink instances during a rebalance may) make
    /// one fail on the unique index; run again, it matches the document the other inserted.
    /// </summary>
    private static async Task RetryOnDuplicateAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (MongoWriteException e) when (e.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            await write();
        }
    }

    private void LogMissingTarget(ChatEvent e, long targetSeq) =>
        _logger.LogWarning("{Type} {Seq} of conversation {Conversation} targets message {Target}, which the history does not hold; stored without effect.",
            e.Payload.GetType().Name, e.Seq, e.ConversationId, targetSeq);
}
