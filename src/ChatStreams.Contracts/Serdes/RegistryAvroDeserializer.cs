using Avro.Specific;
using Confluent.Kafka;
using Confluent.SchemaRegistry;

namespace ChatStreams.Contracts;

/// <summary>
/// Value deserializer for contract records in the registry wire format, async for code that awaits and sync for
/// Confluent's ConsumerBuilder (which blocks only the first time a schema id is seen: one registry fetch). Reads the
/// same bytes Confluent's AvroDeserializer does, without its per-record schema hashing (<see cref="RegistryAvroReader{T}"/>).
/// A null value is null; anything else not in the wire format, or not readable with its writer schema, throws
/// <see cref="InvalidDataException"/> naming the topic.
/// </summary>
public sealed class RegistryAvroDeserializer<T>(ISchemaRegistryClient registry) : IAsyncDeserializer<T>, IDeserializer<T> where T : class, ISpecificRecord
{
    private readonly RegistryAvroReader<T> _reader = new(registry);

    public async Task<T> DeserializeAsync(ReadOnlyMemory<byte> data, bool isNull, SerializationContext context)
    {
        if (isNull) return null!;
        var id = RegistryAvroReader<T>.SchemaId(data.Span, context.Topic);
        if (!_reader.Knows(id)) await _reader.LearnAsync(id, context.Topic).ConfigureAwait(false);
        return _reader.Read(data.Span, context.Topic);
    }

    public T Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
    {
        if (isNull) return null!;
        var id = RegistryAvroReader<T>.SchemaId(data, context.Topic);
        if (!_reader.Knows(id)) _reader.LearnAsync(id, context.Topic).GetAwaiter().GetResult();
        return _reader.Read(data, context.Topic);
    }
}
