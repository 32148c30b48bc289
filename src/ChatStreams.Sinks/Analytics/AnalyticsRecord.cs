using chatstreams.v1;

namespace ChatStreams.Sinks.Analytics;

/// <summary>What the analytics sink reads: one record of chat.events, a delivery topic, chat.receipts or chat.presence.</summary>
public abstract record AnalyticsRecord;

public sealed record AnalyticsEventRecord(ChatEvent Event) : AnalyticsRecord;

/// <summary>A Delivery of a sequenced ChatEvent, with the edge its topic belongs to.</summary>
public sealed record AnalyticsDeliveryRecord(string EdgeId, Delivery Delivery, ChatEvent Event) : AnalyticsRecord;

public sealed record AnalyticsReceiptRecord(ReceiptUpdate Receipt) : AnalyticsRecord;

public sealed record AnalyticsPresenceRecord(PresenceChange Change) : AnalyticsRecord;
