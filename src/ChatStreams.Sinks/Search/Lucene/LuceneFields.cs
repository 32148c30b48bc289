using Lucene.Net.Documents;
using Lucene.Net.Index;

namespace ChatStreams.Sinks.Search.Lucene;

/// <summary>
/// The layout of the Lucene index: one document per message, plus one watermark document per conversation holding
/// the last seq applied. The watermark lives in the index itself so it is committed in the same Lucene commit as the
/// messages it covers: after a crash both are from the same batch.
/// </summary>
internal static class LuceneFields
{
    public const string Id = "id";
    public const string Kind = "kind";
    public const string ConversationId = "conversationId";
    public const string Seq = "seq";
    public const string MessageId = "messageId";
    public const string SenderId = "senderId";
    public const string SentAt = "sentAtMs";
    public const string Text = "text";
    public const string FileNames = "fileNames";
    public const string Edited = "edited";
    public const string AppliedSeq = "appliedSeq";

    public const string MessageKind = "message";
    public const string WatermarkKind = "watermark";

    public static Term MessageTerm(MessageKey key) => new(Id, key.DocumentId);

    /// <summary>A watermark's id cannot collide with a message's: message ids always end in "/seq".</summary>
    public static Term WatermarkTerm(string conversationId) => new(Id, "applied:" + conversationId);

    public static Document Message(IndexedMessage m)
    {
        var doc = new Document
        {
            new StringField(Id, m.Key.DocumentId, Field.Store.YES),
            new StringField(Kind, MessageKind, Field.Store.NO),
            new StringField(ConversationId, m.Key.ConversationId, Field.Store.YES),
            new Int64Field(Seq, m.Key.Seq, Field.Store.YES),
            new NumericDocValuesField(Seq, m.Key.Seq), // what the scope filter reads per document (see LuceneQuery.Readable)
            new StoredField(MessageId, m.MessageId),
            new StoredField(SenderId, m.SenderId),
            new StoredField(SentAt, new DateTimeOffset(m.SentAt).ToUnixTimeMilliseconds()),
            new TextField(Text, m.Text, Field.Store.YES),
            new StoredField(Edited, m.Edited ? 1 : 0),
        };
        foreach (var name in m.FileNames) doc.Add(new TextField(FileNames, name, Field.Store.YES));
        return doc;
    }

    public static IndexedMessage ReadMessage(Document doc) => new(
        new MessageKey(doc.Get(ConversationId), doc.GetField(Seq).GetInt64Value() ?? 0),
        doc.Get(MessageId),
        doc.Get(SenderId),
        DateTimeOffset.FromUnixTimeMilliseconds(doc.GetField(SentAt).GetInt64Value() ?? 0).UtcDateTime,
        doc.Get(Text),
        doc.GetValues(FileNames),
        doc.GetField(Edited).GetInt32Value() == 1);

    public static Document Watermark(string conversationId, long appliedSeq) =>
    [
        new StringField(Id, WatermarkTerm(conversationId).Text, Field.Store.YES),
        new StringField(Kind, WatermarkKind, Field.Store.NO),
        new StringField(ConversationId, conversationId, Field.Store.YES),
        new StoredField(AppliedSeq, appliedSeq),
    ];
}
