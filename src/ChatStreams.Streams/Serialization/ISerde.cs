using Confluent.Kafka;

namespace ChatStreams.Streams.Serialization;

/// <summary>Serializer and deserializer for one type, as Kafka Streams' Serde. Null maps to a null payload.</summary>
public interface ISerde<T>
{
    byte[]? Serialize(T value, SerdeContext context);
    T Deserialize(ReadOnlySpan<byte> data, bool isNull, SerdeContext context);
}

/// <summary>The topic a payload belongs to, its headers and whether it is the key.</summary>
public readonly record struct SerdeContext(string Topic, Headers? Headers, bool IsKey)
{
    public SerializationContext ToConfluent() => new(IsKey ? MessageComponentType.Key : MessageComponentType.Value, Topic, Headers);
}
