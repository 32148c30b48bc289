using System.Buffers.Binary;
using System.Collections.Concurrent;
using Avro.IO;
using Avro.Specific;
using ChatStreams.Streams.Serialization;
using Confluent.SchemaRegistry;

namespace ChatStreams.Topologies;

/// <summary>
/// A synchronous Avro serde in Confluent's wire format (magic byte 0, 4-byte big-endian schema id, Avro binary),
/// for the streams hot path. Confluent's serdes are asynchronous; wrapped sync-over-async they cost a thread-pool
/// round trip per record, and the fan-out serializes several records per delivery. The registry is asked once per
/// schema (the writer's id of <typeparamref name="T"/>, the writer schema of each id read) and cached; after that
/// every call is plain CPU work. Subjects follow RecordNameStrategy like <see cref="ChatStreams.Contracts.ChatSerdes"/>,
/// so the bytes are the same as Confluent's serializer writes and its deserializer reads.
/// </summary>
internal sealed class RegistryAvroSerde<T>(ISchemaRegistryClient registry, bool autoRegister) : ISerde<T> where T : class, ISpecificRecord
{
    private const byte MagicByte = 0;
    // Every contract class carries its schema in a static _SCHEMA field (parsed from the embedded .avsc).
    private static readonly Avro.Schema OwnSchema = (Avro.Schema)typeof(T).GetField("_SCHEMA")!.GetValue(null)!;
    private readonly ConcurrentDictionary<int, ThreadLocal<SpecificDatumReader<T>>> _readers = new();
    private readonly ThreadLocal<SpecificDatumWriter<T>> _writer = new(() => new SpecificDatumWriter<T>(OwnSchema));
    private readonly Lazy<int> _writerId = new(() => ResolveWriterId(registry, autoRegister), LazyThreadSafetyMode.ExecutionAndPublication);

    public byte[]? Serialize(T value, SerdeContext context)
    {
        if (value is null) return null;
        using var stream = new MemoryStream(256);
        Span<byte> header = stackalloc byte[5];
        header[0] = MagicByte;
        BinaryPrimitives.WriteInt32BigEndian(header[1..], _writerId.Value);
        stream.Write(header);
        _writer.Value!.Write(value, new BinaryEncoder(stream));
        return stream.ToArray();
    }

    public T Deserialize(ReadOnlySpan<byte> data, bool isNull, SerdeContext context)
    {
        if (isNull) return null!;
        if (data.Length < 5 || data[0] != MagicByte)
            throw new SerializationException($"{typeof(T).Name} on {context.Topic}: not in the schema registry wire format (expected magic byte 0 and a schema id, got {data.Length} bytes)");
        var id = BinaryPrimitives.ReadInt32BigEndian(data.Slice(1, 4));
        var reader = _readers.GetOrAdd(id, writerId =>
        {
            var writerSchema = WriterSchema(writerId, context);
            return new ThreadLocal<SpecificDatumReader<T>>(() => new SpecificDatumReader<T>(writerSchema, OwnSchema));
        });
        try
        {
            using var stream = new MemoryStream(data[5..].ToArray(), writable: false);
            return reader.Value!.Read(null!, new BinaryDecoder(stream));
        }
        catch (Exception e) when (e is Avro.AvroException or EndOfStreamException or InvalidCastException or IOException)
        {
            throw new SerializationException($"{typeof(T).Name} on {context.Topic}: cannot read Avro with writer schema {id}: {e.Message}", e);
        }
    }

    private Avro.Schema WriterSchema(int id, SerdeContext context)
    {
        try
        {
            var schema = registry.GetSchemaAsync(id).GetAwaiter().GetResult();
            return Avro.Schema.Parse(schema.SchemaString);
        }
        catch (Exception e) when (e is SchemaRegistryException or HttpRequestException or Avro.SchemaParseException)
        {
            throw new SerializationException($"{typeof(T).Name} on {context.Topic}: schema {id} is not available from the registry: {e.Message}", e);
        }
    }

    private static int ResolveWriterId(ISchemaRegistryClient registry, bool autoRegister)
    {
        var subject = OwnSchema.Fullname;
        var registered = new Schema(OwnSchema.ToString(), SchemaType.Avro);
        return autoRegister
            ? registry.RegisterSchemaAsync(subject, registered).GetAwaiter().GetResult()
            : registry.GetSchemaIdAsync(subject, registered).GetAwaiter().GetResult();
    }
}
