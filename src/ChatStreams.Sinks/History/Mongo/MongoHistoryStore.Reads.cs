using MongoDB.Bson;
using MongoDB.Driver;
using static ChatStreams.Sinks.History.Mongo.MongoHistorySchema;

namespace ChatStreams.Sinks.History.Mongo;

public sealed partial class MongoHistoryStore
{
    private static FilterDefinitionBuilder<BsonDocument> Filter => Builders<BsonDocument>.Filter;

    public async Task<long> HeadAsync(string conversationId, CancellationToken ct)
    {
        await EnsureInitializedAsync(ct);
        var doc = await _conversations.Find(new BsonDocument(Id, conversationId)).Project(new BsonDocument(LastSeq, 1)).FirstOrDefaultAsync(ct);
        return doc?.GetValue(LastSeq, 0L).ToInt64() ?? 0;
    }

    public async Task<bool> IsMemberAsync(string conversationId, string userId, CancellationToken ct)
    {
        await EnsureInitializedAsync(ct);
        return await _memberships.Find(OpenMembership(conversationId, userId)).AnyAsync(ct);
    }

    public async Task<bool> HasAccessAsync(string conversationId, string userId, CancellationToken ct)
    {
        await EnsureInitializedAsync(ct);
        return await _memberships.Find(ByConversation(conversationId) & Filter.Eq(UserId, userId)).AnyAsync(ct);
    }

    public async Task<IReadOnlyList<string>> MembersOfAsync(string conversationId, CancellationToken ct)
    {
        await EnsureInitializedAsync(ct);
        return (await MembersAsync(conversationId, ct)).Select(m => m.UserId).ToList();
    }

    public async Task<IReadOnlyList<HistoryItem>> EventsAsync(string conversationId, string userId, long afterSeq, long beforeSeq, int limit, bool newestFirst, CancellationToken ct)
    {
        if (limit <= 0 || beforeSeq <= afterSeq + 1) return [];
        await EnsureInitializedAsync(ct);
        var visible = await VisibleAsync(conversationId, userId, ct);
        return visible is null ? [] : await ItemsAsync(conversationId, visible, afterSeq, beforeSeq, limit, newestFirst, ct);
    }

    public async Task<IReadOnlyList<ConversationSummary>> ConversationsOfAsync(string userId, CancellationToken ct)
    {
        await EnsureInitializedAsync(ct);
        var ids = await _memberships.Distinct<string>(ConversationId, Filter.Eq(UserId, userId) & Filter.Eq(ToSeq, BsonNull.Value), cancellationToken: ct).ToListAsync(ct);
        var summaries = new List<ConversationSummary>(ids.Count);
        foreach (var id in ids)
            if (await SummaryAsync(id, userId, ct) is { } summary) summaries.Add(summary);
        return summaries.OrderByDescending(s => s.LastActivity).ThenBy(s => s.ConversationId, StringComparer.Ordinal).ToList();
    }

    public async Task<ConversationSummary?> ConversationAsync(string conversationId, string userId, CancellationToken ct) =>
        await HasAccessAsync(conversationId, userId, ct) ? await SummaryAsync(conversationId, userId, ct) : null;

    public async Task<IReadOnlyList<string>> ContactsOfAsync(string userId, CancellationToken ct)
    {
        await EnsureInitializedAsync(ct);
        var ids = await _memberships.Distinct<string>(ConversationId, Filter.Eq(UserId, userId) & Filter.Eq(ToSeq, BsonNull.Value), cancellationToken: ct).ToListAsync(ct);
        if (ids.Count == 0) return [];
        var others = await _memberships.Distinct<string>(UserId,
            Filter.In(ConversationId, ids) & Filter.Eq(ToSeq, BsonNull.Value) & Filter.Ne(UserId, userId), cancellationToken: ct).ToListAsync(ct);
        // Ordinal (UTF-16) order as the SQLite store gives it; the server compares UTF-8 bytes, which differs past U+D7FF.
        return others.Order(StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<ReadableRange>> ReadableRangesAsync(string userId, CancellationToken ct)
    {
        await EnsureInitializedAsync(ct);
        var docs = await _memberships.Find(Filter.Eq(UserId, userId)).ToListAsync(ct);
        return docs.Select(d => new ReadableRange(d[ConversationId].AsString, d[FromSeq].ToInt64(), d[ToSeq].IsBsonNull ? long.MaxValue : d[ToSeq].ToInt64()))
            .OrderBy(r => r.ConversationId, StringComparer.Ordinal).ThenBy(r => r.FromSeq).ToList();
    }

    private async Task<ConversationSummary?> SummaryAsync(string conversationId, string userId, CancellationToken ct)
    {
        var conversation = await _conversations.Find(new BsonDocument(Id, conversationId)).FirstOrDefaultAsync(ct);
        if (conversation is null) return null;
        var members = await MembersAsync(conversationId, ct);
        var state = await _readState.Find(ByConversation(conversationId) & Filter.Eq(UserId, userId)).FirstOrDefaultAsync(ct);
        long delivered = state?.GetValue(DeliveredSeq, 0L).ToInt64() ?? 0, read = state?.GetValue(ReadSeq, 0L).ToInt64() ?? 0;
        var visible = await VisibleAsync(conversationId, userId, ct);
        long unread = 0;
        HistoryItem? last = null;
        if (visible is not null)
        {
            var messages = ByConversation(conversationId) & visible;
            unread = await _messages.CountDocumentsAsync(
                messages & Filter.Gt(Seq, read) & Filter.Ne(SenderId, userId) & Filter.Eq(Deleted, false), cancellationToken: ct);
            var newest = await _messages.Find(messages).Sort(new BsonDocument(Seq, -1)).Limit(1).Project(new BsonDocument(Seq, 1)).FirstOrDefaultAsync(ct);
            if (newest is not null)
            {
                var seq = newest[Seq].ToInt64();
                last = (await ItemsAsync(conversationId, visible, seq - 1, seq + 1, 1, false, ct)).SingleOrDefault();
            }
        }
        return new ConversationSummary(conversationId, conversation[Kind].AsString, conversation[Title].IsBsonNull ? null : conversation[Title].AsString,
            members, members.Any(m => m.UserId == userId), conversation[LastSeq].ToInt64(), delivered, read, unread,
            FromBson(conversation[CreatedAt]), FromBson(conversation[LastActivity]), last);
    }

    private async Task<List<ConversationMember>> MembersAsync(string conversationId, CancellationToken ct)
    {
        var rows = await _memberships.Find(ByConversation(conversationId) & Filter.Eq(ToSeq, BsonNull.Value))
            .Project(new BsonDocument { { UserId, 1 }, { Role, 1 } }).ToListAsync(ct);
        return rows.Select(r => new ConversationMember(r[UserId].AsString, r[Role].AsString)).OrderBy(m => m.UserId, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The seqs the user may read, as a filter on seq: one range per join, up to the matching leave (both included).
    /// Null when the user never was a member.
    /// </summary>
    private async Task<FilterDefinition<BsonDocument>?> VisibleAsync(string conversationId, string userId, CancellationToken ct)
    {
        var ranges = await _memberships.Find(ByConversation(conversationId) & Filter.Eq(UserId, userId))
            .Project(new BsonDocument { { FromSeq, 1 }, { ToSeq, 1 } }).ToListAsync(ct);
        if (ranges.Count == 0) return null;
        return Filter.Or(ranges.Select(r => r[ToSeq].IsBsonNull
            ? Filter.Gte(Seq, r[FromSeq].ToInt64())
            : Filter.Gte(Seq, r[FromSeq].ToInt64()) & Filter.Lte(Seq, r[ToSeq].ToInt64())));
    }

    private async Task<IReadOnlyList<HistoryItem>> ItemsAsync(string conversationId, FilterDefinition<BsonDocument> visible,
        long afterSeq, long beforeSeq, int limit, bool newestFirst, CancellationToken ct)
    {
        var rows = await _events.Find(ByConversation(conversationId) & Filter.Gt(Seq, afterSeq) & Filter.Lt(Seq, beforeSeq) & visible)
            .Sort(new BsonDocument(Seq, newestFirst ? -1 : 1)).Limit(limit)
            .Project(new BsonDocument { { Seq, 1 }, { Record, 1 } }).ToListAsync(ct);
        if (rows.Count == 0) return [];
        var seqs = rows.Select(r => r[Seq].ToInt64()).ToList();
        var messages = (await _messages.Find(ByConversation(conversationId) & Filter.In(Seq, seqs)).ToListAsync(ct))
            .ToDictionary(m => m[Seq].ToInt64(), ToView);
        return rows.Select(r => new HistoryItem(EventRecordCodec.Decode(r[Record].AsByteArray), messages.GetValueOrDefault(r[Seq].ToInt64()))).ToList();
    }

    /// <summary>Reactions grouped by emoji, emoji and users in ordinal order.</summary>
    private static MessageView ToView(BsonDocument message)
    {
        var reactions = message.GetValue(Reactions, new BsonArray()).AsBsonArray.Select(p => p.AsBsonDocument)
            .GroupBy(p => p[Emoji].AsString, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(p => p[UserId].AsString).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                StringComparer.Ordinal);
        return new MessageView(message[Body].AsString, message[Edited].AsBoolean, message[Deleted].AsBoolean, reactions);
    }
}
