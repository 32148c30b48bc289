namespace ChatStreams.Sinks.Analytics;

/// <summary>
/// Expands receipt watermarks into per-seq read facts: when a member's readSeq moves from r0 to r1 at time t, every
/// seq in (r0, r1] was first read at t. r0 starts from the highest read seq already stored, so a replayed receipt
/// (already in the receipts table) expands to nothing, and seqs read before are never given a later read time.
/// </summary>
public sealed class ReadMarks(IReadOnlyDictionary<(string ConversationId, string UserId), long> storedReadSeqs)
{
    private readonly Dictionary<(string, string), long> _readSeqs = new(storedReadSeqs);
    private readonly List<MessageReadRow> _rows = [];

    public void Apply(ReceiptRow receipt)
    {
        var key = (receipt.ConversationId, receipt.UserId);
        var from = _readSeqs.GetValueOrDefault(key);
        if (receipt.ReadSeq <= from) return;
        for (var seq = from + 1; seq <= receipt.ReadSeq; seq++)
            _rows.Add(new MessageReadRow(receipt.ConversationId, seq, receipt.UserId, receipt.AtMs));
        _readSeqs[key] = receipt.ReadSeq;
    }

    public IReadOnlyList<MessageReadRow> Rows => _rows;

    /// <summary>Every member's read mark after the receipts applied: the stored ones, raised by the receipts.</summary>
    public IReadOnlyDictionary<(string ConversationId, string UserId), long> Marks => _readSeqs;
}
