using chatstreams.v1;

namespace ChatStreams.Sinks.Analytics;

/// <summary>What the analytics sink reads: one record of chat.events, a delivery topic, chat.receipts or chat.presence.</summary>
public abstract record AnalyticsRecord;

public sealed record AnalyticsEventRecord(ChatEvent Event) : AnalyticsRecord;

/// <summary>A Delivery of a sequenced ChatEvent, as the row it makes (the edge is its topic's).</summary>
public sealed record AnalyticsDeliveryRecord(DeliveryRow Row) : AnalyticsRecord
{
    public AnalyticsDeliveryRecord(string edgeId, Delivery delivery, ChatEvent e) : this(ChatFacts.Delivery(edgeId, delivery, e)) { }
}

public sealed record AnalyticsReceiptRecord(ReceiptUpdate Receipt) : AnalyticsRecord;

public sealed record AnalyticsPresenceRecord(PresenceChange Change) : AnalyticsRecord;
