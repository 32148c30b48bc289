using chatstreams.v1;

namespace ChatStreams.Sinks.History;

/// <summary>What the history sink reads: a sequenced event from chat.events or a receipt update from chat.receipts.</summary>
public abstract record HistoryRecord;

public sealed record HistoryEventRecord(ChatEvent Event) : HistoryRecord;

public sealed record HistoryReceiptRecord(ReceiptUpdate Receipt) : HistoryRecord;
