using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;

namespace ChatStreams.Streams.Serialization;

/// <summary>Built-in serdes (byte layouts match Kafka's Java serdes: big-endian numbers, UTF-8 strings).</summary>
public static class Serdes
{
    public static ISerde<string> String { get; } = new Utf8Serde();
    public static ISerde<long> Long { get; } = new Int64Serde();
    public static ISerde<int> Int { get; } = new Int32Serde();
    public static ISerde<byte[]?> ByteArray { get; } = new BytesSerde();

    /// <summary>System.Text.Json with web defaults; for internal topics and stores of plain C# records.</summary>
    public static ISerde<T> Json<T>(JsonSerializerOptions? options = null) => new JsonSerde<T>(options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Adapts Confluent serializers (e.g. the Avro serdes with the schema registry).</summary>
    public static ISerde<T> From<T>(ISerializer<T> serializer, IDeserializer<T> deserializer) => new ConfluentSerde<T>(serializer, deserializer);

    private sealed class Utf8Serde : ISerde<string>
    {
        public byte[]? Serialize(string value, SerdeContext context) => value is null ? null : Encoding.UTF8.GetBytes(value);
        public string Deserialize(ReadOnlySpan<byte> data, bool isNull, SerdeContext context) => isNull ? null! : Encoding.UTF8.GetString(data);
    }

    private sealed class Int64Serde : ISerde<long>
    {
        public byte[]? Serialize(long value, SerdeContext context)
        {
            var b = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(b, value);
            return b;
        }

        public long Deserialize(ReadOnlySpan<byte> data, bool isNull, SerdeContext context) =>
            !isNull && data.Length == 8 ? BinaryPrimitives.ReadInt64BigEndian(data)
                : throw new SerializationException($"a long needs 8 bytes, got {(isNull ? "null" : data.Length.ToString())} on {context.Topic}");
    }

    private sealed class Int32Serde : ISerde<int>
    {
        public byte[]? Serialize(int value, SerdeContext context)
        {
            var b = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(b, value);
            return b;
        }

        public int Deserialize(ReadOnlySpan<byte> data, bool isNull, SerdeContext context) =>
            !isNull && data.Length == 4 ? BinaryPrimitives.ReadInt32BigEndian(data)
                : throw new SerializationException($"an int needs 4 bytes, got {(isNull ? "null" : data.Length.ToString())} on {context.Topic}");
    }

    private sealed class BytesSerde : ISerde<byte[]?>
    {
        public byte[]? Serialize(byte[]? value, SerdeContext context) => value;
        public byte[]? Deserialize(ReadOnlySpan<byte> data, bool isNull, SerdeContext context) => isNull ? null : data.ToArray();
    }

    private sealed class JsonSerde<T>(JsonSerializerOptions options) : ISerde<T>
    {
        public byte[]? Serialize(T value, SerdeContext context) => value is null ? null : JsonSerializer.SerializeToUtf8Bytes(value, options);

        public T Deserialize(ReadOnlySpan<byte> data, bool isNull, SerdeContext context)
        {
            if (isNull) return default!;
            try { return JsonSerializer.Deserialize<T>(data, options)!; }
            catch (JsonException e) { throw new SerializationException($"invalid JSON for {typeof(T).Name} on {context.Topic}: {e.Message}", e); }
        }
    }

    private sealed class ConfluentSerde<T>(ISerializer<T> serializer, IDeserializer<T> deserializer) : ISerde<T>
    {
        public byte[]? Serialize(T value, SerdeContext context) => value is null ? null : serializer.Serialize(value, context.ToConfluent());

        public T Deserialize(ReadOnlySpan<byte> data, bool isNull, SerdeContext context)
        {
            try { return deserializer.Deserialize(data, isNull, context.ToConfluent()); }
            catch (Exception e) when (e is not SerializationException) { throw new SerializationException($"cannot deserialize {typeof(T).Name} from {context.Topic}: {e.Message}", e); }
        }
    }
}

/// <summary>A payload could not be (de)serialized; the runtime routes such input records to the dead-letter topic.</summary>
public sealed class SerializationException(string message, Exception? inner = null) : Exception(message, inner);
