using chatstreams.v1;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Sinks.History.Sqlite;

public sealed partial class SqliteHistoryStore
{
    /// <summary>
    /// One transaction per batch. An event's row is inserted first and its effects applied only when the insert
    /// stored it: an event seen before changes nothing, which makes a replayed batch a no-op.
    /// </summary>
    public async Task ApplyAsync(IReadOnlyList<ChatEvent> events, IReadOnlyList<ReceiptUpdate> receipts, CancellationToken ct)
    {
        await using var connection = await OpenInitializedAsync(ct);
        await using var transaction = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await using (var sql = new SqliteBatchCommands(connection, transaction))
        {
            var sequenced = events
                .Where(ChatEventDecoding.TakesPosition)
                .OrderBy(e => e.ConversationId, StringComparer.Ordinal).ThenBy(e => e.Seq);
            foreach (var e in sequenced)
                if (await InsertEventAsync(sql, e, ct))
                    await ApplyEffectsAsync(sql, e, ct);
            foreach (var receipt in receipts)
                await sql.ExecuteAsync("""
                    INSERT INTO read_state (conversation_id, user_id, delivered_seq, read_seq) VALUES (@c, @u, @delivered, @read)
                    ON CONFLICT (conversation_id, user_id) DO UPDATE SET
                        delivered_seq = max(delivered_seq, excluded.delivered_seq), read_seq = max(read_seq, excluded.read_seq)
                    """, ct, ("@c", receipt.ConversationId), ("@u", receipt.UserId), ("@delivered", receipt.DeliveredSeq), ("@read", receipt.ReadSeq));
        }
        await transaction.CommitAsync(ct);
    }

    private static async Task<bool> InsertEventAsync(SqliteBatchCommands sql, ChatEvent e, CancellationToken ct)
    {
        long? target = e.Payload switch
        {
            MessageEdited edited => edited.TargetSeq,
            MessageDeleted deleted => deleted.TargetSeq,
            ReactionChanged reaction => reaction.TargetSeq,
            _ => null,
        };
        var at = ToUnixMs(e.OccurredAt);
        var inserted = await sql.ExecuteAsync("""
            INSERT OR IGNORE INTO events (conversation_id, seq, type, user_id, occurred_at, target_seq, record)
            VALUES (@c, @seq, @type, @user, @at, @target, @record)
            """, ct, ("@c", e.ConversationId), ("@seq", e.Seq), ("@type", e.Payload.GetType().Name), ("@user", e.UserId),
            ("@at", at), ("@target", target), ("@record", EventRecordCodec.Encode(e)));
        if (inserted == 0) return false;
        await sql.ExecuteAsync("""
            INSERT INTO conversations (conversation_id, kind, title, created_at, last_activity, last_seq) VALUES (@c, 'group', NULL, @at, @at, @seq)
            ON CONFLICT (conversation_id) DO UPDATE SET
                last_activity = max(last_activity, excluded.last_activity), last_seq = max(last_seq, excluded.last_seq)
            """, ct, ("@c", e.ConversationId), ("@at", at), ("@seq", e.Seq));
        return true;
    }

    private async Task ApplyEffectsAsync(SqliteBatchCommands sql, ChatEvent e, CancellationToken ct)
    {
        var c = ("@c", (object?)e.ConversationId);
        switch (e.Payload)
        {
            case ConversationCreated created:
                await sql.ExecuteAsync("UPDATE conversations SET kind = @kind, title = @title, created_at = @at WHERE conversation_id = @c", ct,
                    c, ("@kind", created.Kind == ConversationKind.Direct ? "direct" : "group"), ("@title", created.Title), ("@at", ToUnixMs(e.OccurredAt)));
                foreach (var member in created.Members)
                    await JoinAsync(sql, e, member, created.Admins.Contains(member) ? MemberRole.Admin : MemberRole.Member, ct);
                break;
            case MemberAdded added:
                await JoinAsync(sql, e, added.MemberId, added.Role, ct);
                break;
            case MemberRemoved removed:
                await sql.ExecuteAsync("UPDATE memberships SET to_seq = @seq WHERE conversation_id = @c AND user_id = @u AND to_seq IS NULL", ct,
                    c, ("@u", removed.MemberId), ("@seq", e.Seq));
                break;
            case MessageSent sent:
                await sql.ExecuteAsync("""
                    INSERT OR IGNORE INTO messages (conversation_id, seq, sender_id, body, edited, deleted) VALUES (@c, @seq, @sender, @body, 0, 0)
                    """, ct, c, ("@seq", e.Seq), ("@sender", e.UserId), ("@body", sent.Body));
                break;
            case MessageEdited edited:
                var deleted = await sql.ScalarAsync("SELECT deleted FROM messages WHERE conversation_id = @c AND seq = @t", ct, c, ("@t", edited.TargetSeq));
                if (deleted is null) LogMissingTarget(e, edited.TargetSeq);
                else if ((long)deleted != 0) await RedactAsync(sql, e.ConversationId, e.Seq, e.Seq, ct); // an edit of a deleted message keeps no text
                else await sql.ExecuteAsync("UPDATE messages SET body = @body, edited = 1 WHERE conversation_id = @c AND seq = @t", ct,
                    c, ("@t", edited.TargetSeq), ("@body", edited.Body));
                break;
            case MessageDeleted deletion:
                if (await sql.ExecuteAsync("UPDATE messages SET body = '', deleted = 1 WHERE conversation_id = @c AND seq = @t", ct, c, ("@t", deletion.TargetSeq)) == 0)
                    LogMissingTarget(e, deletion.TargetSeq);
                else await RedactAsync(sql, e.ConversationId, deletion.TargetSeq, null, ct);
                break;
            case ReactionChanged reaction when reaction.Action == ReactionAction.Remove:
                await sql.ExecuteAsync("DELETE FROM reactions WHERE conversation_id = @c AND seq = @t AND emoji = @emoji AND user_id = @u", ct,
                    c, ("@t", reaction.TargetSeq), ("@emoji", reaction.Emoji), ("@u", e.UserId));
                break;
            case ReactionChanged reaction:
                if (await sql.ExecuteAsync("""
                        INSERT OR IGNORE INTO reactions (conversation_id, seq, emoji, user_id)
                        SELECT @c, @t, @emoji, @u WHERE EXISTS (SELECT 1 FROM messages WHERE conversation_id = @c AND seq = @t)
                        """, ct, c, ("@t", reaction.TargetSeq), ("@emoji", reaction.Emoji), ("@u", e.UserId)) == 0
                    && await sql.ScalarAsync("SELECT 1 FROM messages WHERE conversation_id = @c AND seq = @t", ct, c, ("@t", reaction.TargetSeq)) is null)
                    LogMissingTarget(e, reaction.TargetSeq);
                break;
        }
    }

    /// <summary>A join opens a visibility range at its seq; joining while a member only updates the role.</summary>
    private static async Task JoinAsync(SqliteBatchCommands sql, ChatEvent e, string userId, MemberRole role, CancellationToken ct)
    {
        var roleName = role == MemberRole.Admin ? "admin" : "member";
        if (await sql.ExecuteAsync("UPDATE memberships SET role = @role WHERE conversation_id = @c AND user_id = @u AND to_seq IS NULL", ct,
                ("@c", e.ConversationId), ("@u", userId), ("@role", roleName)) > 0)
            return;
        await sql.ExecuteAsync("INSERT OR IGNORE INTO memberships (conversation_id, user_id, from_seq, to_seq, role) VALUES (@c, @u, @seq, NULL, @role)", ct,
            ("@c", e.ConversationId), ("@u", userId), ("@seq", e.Seq), ("@role", roleName));
    }

    /// <summary>
    /// Takes a deleted message's text out of the stored events: the message itself and every edit of it (or, with
    /// <paramref name="onlySeq"/>, just that one event).
    /// </summary>
    private static async Task RedactAsync(SqliteBatchCommands sql, string conversationId, long targetSeq, long? onlySeq, CancellationToken ct)
    {
        var rows = await sql.RecordsAsync("""
            SELECT seq, record FROM events WHERE conversation_id = @c
              AND ((@only IS NOT NULL AND seq = @only)
                   OR (@only IS NULL AND (seq = @t OR (target_seq = @t AND type = 'MessageEdited'))))
            """, ct, ("@c", conversationId), ("@t", targetSeq), ("@only", onlySeq));
        foreach (var (seq, record) in rows)
        {
            var redacted = DeletedText.Redact(EventRecordCodec.Decode(record));
            await sql.ExecuteAsync("UPDATE events SET record = @record WHERE conversation_id = @c AND seq = @seq", ct,
                ("@c", conversationId), ("@seq", seq), ("@record", EventRecordCodec.Encode(redacted)));
        }
    }

    private void LogMissingTarget(ChatEvent e, long targetSeq) =>
        _logger.LogWarning("{Type} {Seq} of conversation {Conversation} targets message {Target}, which the history does not hold; stored without effect.",
            e.Payload.GetType().Name, e.Seq, e.ConversationId, targetSeq);
}
