using ChatStreams.Contracts;
using ChatStreams.Streams.Serialization;
using Avro;
using chatstreams.v1;

namespace ChatStreams.Topologies;

/// <summary>
/// A delivery together with the edge it is for. The contract's <see cref="Delivery"/> does not name its edge (the
/// topic does), so the per-edge sinks carry this pair and pick the topic delivery.&lt;EdgeId&gt; from it.
/// EdgeId null means the recipient has no live connection anywhere (the offline path).
/// </summary>
public sealed record RoutedDelivery
{
    private Delivery? _delivery;
    private readonly Func<Delivery>? _decode;

    public RoutedDelivery(string? edgeId, Delivery delivery)
    {
        EdgeId = edgeId;
        _delivery = delivery;
        DeviceId = delivery.DeviceId;
    }

    /// <summary>A delivery read from <paramref name="encoded"/>, decoded only when <see cref="Delivery"/> is first asked for.</summary>
    internal RoutedDelivery(string? edgeId, string? deviceId, byte[] encoded, Func<Delivery> decode)
    {
        EdgeId = edgeId;
        DeviceId = deviceId;
        Encoded = encoded;
        _decode = decode;
    }

    public string? EdgeId { get; init; }

    /// <summary>The device the delivery is addressed to (null: every device of the user); known without decoding the delivery.</summary>
    public string? DeviceId { get; }

    /// <summary>
    /// The delivery. One read from the repartition topic is decoded here, on first use: the delivery router needs only
    /// the recipient and the device to route it, and decoding every delivery (with the whole event it carries) was an
    /// eighth of the fan-out thread's CPU in the load benchmark; only the offline path reads the rest.
    /// </summary>
    public Delivery Delivery => _delivery ??= _decode!();

    /// <summary>
    /// The bytes <see cref="Delivery"/> was read from, written out again as they are: the delivery router passes each
    /// delivery of the repartition topic on unchanged, and encoding deliveries (each with the whole event it carries)
    /// was a tenth of the fan-out thread's CPU, half of it there. Null for a delivery made here. Whoever changes the delivery makes a new record
    /// without them (<c>new RoutedDelivery(edge, changed)</c>); <c>with { EdgeId = … }</c> keeps them.
    /// </summary>
    internal byte[]? Encoded { get; init; }

    /// <summary>
    /// The encoding of the event this delivery carries, shared with the other members' deliveries of the same event
    /// (<see cref="FanOut.SharedEventDeliveries"/>); null: encoded on its own.
    /// </summary>
    internal FanOut.SharedEventEncoding? SharedEvent { get; init; }

    public bool Equals(RoutedDelivery? other) =>
        other is not null && EdgeId == other.EdgeId && EqualityComparer<Delivery>.Default.Equals(Delivery, other.Delivery);

    public override int GetHashCode() => HashCode.Combine(EdgeId, Delivery);
}

/// <summary>
/// Writes a <see cref="RoutedDelivery"/> as the plain contract <see cref="Delivery"/> (the edge id is the topic, not
/// part of the record), as the bytes it was read from when it has them; reading one back recovers the edge id from
/// the delivery topic's name and keeps the bytes. Bytes written with this build's Delivery schema are decoded only
/// when the delivery is asked for (the device is read straight from them); any other schema is decoded at once.
/// </summary>
internal sealed class RoutedDeliverySerde(ISerde<Delivery> deliveries) : ISerde<RoutedDelivery>
{
    private static readonly RecordSchema DeliverySchema = (RecordSchema)Delivery._SCHEMA;

    public byte[]? Serialize(RoutedDelivery value, SerdeContext context)
    {
        if (value is null) return null;
        if (value.Encoded is { } encoded) return encoded;
        if (value.SharedEvent is { } shared && value.Delivery.Payload is ChatEvent chatEvent
            && deliveries is IOwnSchema own && FanOut.SharedEventDeliveries.Supported)
            return FanOut.SharedEventDeliveries.Write(own.OwnSchemaId, value.Delivery, chatEvent, shared);
        return deliveries.Serialize(value.Delivery, context);
    }

    public RoutedDelivery Deserialize(ReadOnlySpan<byte> data, bool isNull, SerdeContext context)
    {
        if (isNull) return null!;
        var edgeId = Topics.TryGetDeliveryEdge(context.Topic, out var edge) ? edge : null;
        var encoded = data.ToArray();
        if (deliveries is IOwnSchema own && own.IsWrittenWithOwnSchema(data))
        {
            string? deviceId;
            try
            {
                deviceId = ReadDeviceIdOfWholeRecord(data[WireFormatHeader.Length..]);
            }
            catch (InvalidDataException e)
            {
                throw new SerializationException($"a delivery on {context.Topic} is not a valid Delivery: {e.Message}", e);
            }
            return new RoutedDelivery(edgeId, deviceId, encoded, () => Decode(encoded, context));
        }
        return new RoutedDelivery(edgeId, deliveries.Deserialize(data, isNull, context)) { Encoded = encoded };
    }

    /// <summary>
    /// The deviceId field of a Delivery's Avro body written with this build's schema. The rest is skipped to its end, so
    /// bytes that are not a whole Delivery are refused here, as a bad input record (dead-lettered), as when every
    /// delivery was decoded on reading.
    /// </summary>
    private static string? ReadDeviceIdOfWholeRecord(ReadOnlySpan<byte> avro)
    {
        var reader = new AvroSpanReader(avro);
        string? deviceId = null;
        foreach (var field in DeliverySchema.Fields)
        {
            if (field.Name == "deviceId") deviceId = reader.ReadOptionalString(field.Schema);
            else reader.Skip(field.Schema);
        }
        if (!reader.AtEnd) throw new InvalidDataException("bytes are left after the record");
        return deviceId;
    }

    /// <summary>Decodes a delivery read earlier; a failure is a <see cref="SerializationException"/> like one on reading.</summary>
    private Delivery Decode(byte[] encoded, SerdeContext context)
    {
        try
        {
            return deliveries.Deserialize(encoded, false, context);
        }
        catch (Exception e) when (e is not SerializationException)
        {
            throw new SerializationException($"a delivery on {context.Topic} cannot be decoded: {e.Message}", e);
        }
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
