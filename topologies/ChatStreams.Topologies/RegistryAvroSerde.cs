using Avro.IO;
using ChatStreams.Contracts;
using Avro.Specific;
using ChatStreams.Streams.Serialization;
using Confluent.SchemaRegistry;

namespace ChatStreams.Topologies;

/// <summary>
/// A synchronous Avro serde in Confluent's wire format (magic byte 0, 4-byte big-endian schema id, Avro binary),
/// for the streams hot path. Confluent's serdes are asynchronous; wrapped sync-over-async they cost a thread-pool
/// round trip per record, and the fan-out serializes several records per delivery. The registry is asked once per
/// schema (the writer's id of <typeparamref name="T"/>; the writer schema of each id read, by <see cref="RegistryAvroReader{T}"/>)
/// and cached; after that every call is plain CPU work. Subjects follow RecordNameStrategy like <see cref="ChatStreams.Contracts.ChatSerdes"/>,
/// so the bytes are the same as Confluent's serializer writes and its deserializer reads.
/// </summary>
internal sealed class RegistryAvroSerde<T>(ISchemaRegistryClient registry, bool autoRegister) : ISerde<T>, IOwnSchema where T : class, ISpecificRecord
{
    // Every contract class carries its schema in a static _SCHEMA field (parsed from the embedded .avsc).
    private static readonly Avro.Schema OwnSchema = (Avro.Schema)typeof(T).GetField("_SCHEMA")!.GetValue(null)!;
    private readonly RegistryAvroReader<T> _reader = new(registry);
    private readonly ThreadLocal<SpecificDatumWriter<T>> _writer = new(() => new SpecificDatumWriter<T>(OwnSchema));
    private readonly Lazy<int> _writerId = new(() => ResolveWriterId(registry, autoRegister), LazyThreadSafetyMode.ExecutionAndPublication);

    public byte[]? Serialize(T value, SerdeContext context)
    {
        if (value is null) return null;
        return RecordWriteBuffer.Write((this, value), static (stream, state) =>
        {
            WireFormatHeader.Write(stream, state.Item1._writerId.Value);
            state.Item1._writer.Value!.Write(state.value, new BinaryEncoder(stream));
        });
    }

    /// <summary>The registry id of the schema this serde writes (this build's schema of <typeparamref name="T"/>).</summary>
    public int OwnSchemaId => _writerId.Value;

    /// <summary>Whether <paramref name="data"/> was written with the schema this serde writes.</summary>
    public bool IsWrittenWithOwnSchema(ReadOnlySpan<byte> data) =>
        WireFormatHeader.Names(data, _writerId.Value);

    public T Deserialize(ReadOnlySpan<byte> data, bool isNull, SerdeContext context)
    {
        if (isNull) return null!;
        try
        {
            var id = RegistryAvroReader<T>.SchemaId(data, context.Topic);
            if (!_reader.Knows(id)) _reader.LearnAsync(id, context.Topic).GetAwaiter().GetResult();
            return _reader.Read(data, context.Topic);
        }
        catch (InvalidDataException e)
        {
            throw new SerializationException(e.Message, e);
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

/// <summary>
/// A serde that knows the registry id of its own schema (this build's) and tells bytes written with it from others:
/// those a reader may take apart, and a writer put together, field by field in the order of that schema.
/// </summary>
internal interface IOwnSchema
{
    int OwnSchemaId { get; }

    bool IsWrittenWithOwnSchema(ReadOnlySpan<byte> data);
}
