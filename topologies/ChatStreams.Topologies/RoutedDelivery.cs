using ChatStreams.Contracts;
using ChatStreams.Streams.Serialization;
using chatstreams.v1;

namespace ChatStreams.Topologies;

/// <summary>
/// A delivery together with the edge it is for. The contract's <see cref="Delivery"/> does not name its edge (the
/// topic does), so the per-edge sinks carry this pair and pick the topic delivery.&lt;EdgeId&gt; from it.
/// EdgeId null means the recipient has no live connection anywhere (the offline path).
/// </summary>
public sealed record RoutedDelivery(string? EdgeId, Delivery Delivery)
{
    /// <summary>
    /// The bytes <see cref="Delivery"/> was read from, written out again as they are: the delivery router passes each
    /// delivery of the repartition topic on unchanged, and encoding deliveries (each with the whole event it carries)
    /// was a tenth of the fan-out thread's CPU, half of it there. Null for a delivery made here. Whoever changes the delivery makes a new record
    /// without them (<c>new RoutedDelivery(edge, changed)</c>); <c>with { EdgeId = … }</c> keeps them.
    /// </summary>
    internal byte[]? Encoded { get; init; }
}

/// <summary>
/// Writes a <see cref="RoutedDelivery"/> as the plain contract <see cref="Delivery"/> (the edge id is the topic, not
/// part of the record), as the bytes it was read from when it has them; reading one back recovers the edge id from
/// the delivery topic's name and keeps the bytes.
/// </summary>
internal sealed class RoutedDeliverySerde(ISerde<Delivery> deliveries) : ISerde<RoutedDelivery>
{
    public byte[]? Serialize(RoutedDelivery value, SerdeContext context) =>
        value is null ? null : value.Encoded ?? deliveries.Serialize(value.Delivery, context);

    public RoutedDelivery Deserialize(ReadOnlySpan<byte> data, bool isNull, SerdeContext context)
    {
        if (isNull) return null!;
        var edgeId = Topics.TryGetDeliveryEdge(context.Topic, out var edge) ? edge : null;
        return new RoutedDelivery(edgeId, deliveries.Deserialize(data, isNull, context)) { Encoded = data.ToArray() };
    }
}

/// <summary>The per-edge delivery topics as the fan-out and presence topologies write them.</summary>
public static class DeliveryTopics
{
    /// <summary>Topic extractor of a per-edge sink: delivery.&lt;edge id&gt; of the routed delivery.</summary>
    public static string Of(Streams.Processor.Record<string, RoutedDelivery> record) =>
        Topics.Delivery(record.Value.EdgeId ?? throw new ArgumentException("a routed delivery without an edge cannot be written to a delivery topic"));

    /// <summary>
    /// Edges come and go: the first delivery to a new edge creates its topic with the configured settings (and a
    /// delivery topic deleted while stale sessions still name it is created again).
    /// </summary>
    public static Func<string, TopicSpec?> CreatedOnDemand(TopicSettings topics) => name =>
        Topics.TryGetDeliveryEdge(name, out var edge) ? topics.DeliverySpec(edge) : null;
}
