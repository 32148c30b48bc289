using System.Buffers.Binary;
using System.Collections.Concurrent;
using Avro.IO;
using Avro.Specific;
using Confluent.SchemaRegistry;

namespace ChatStreams.Contracts;

/// <summary>
/// Reads contract records in Confluent's wire format (magic byte 0, 4-byte big-endian schema id, Avro binary) with one
/// datum reader per writer schema id, resolved against <typeparamref name="T"/>'s own schema. Confluent's
/// AvroDeserializer looks its reader up per record by hashing the writer and reader schemas (Avro's RecordSchema
/// hash walks every field): the load benchmark's profile found that at 7–15 % of an edge's and a sink's CPU. Here the
/// registry is asked once per id and every later record costs a dictionary lookup by int.
/// </summary>
public sealed class RegistryAvroReader<T>(ISchemaRegistryClient registry) where T : class, ISpecificRecord
{
    private const byte MagicByte = 0;
    /// <summary>Every contract class carries its schema in a static _SCHEMA field (parsed from the embedded .avsc).</summary>
    private static readonly Avro.Schema OwnSchema = (Avro.Schema)typeof(T).GetField("_SCHEMA")!.GetValue(null)!;

    // A datum reader keeps per-read state in its resolvers, so each thread gets its own.
    private readonly ConcurrentDictionary<int, ThreadLocal<SpecificDatumReader<T>>> _readers = new();

    /// <summary>The writer schema id of a framed record.</summary>
    /// <exception cref="InvalidDataException">The bytes are not in the registry wire format.</exception>
    public static int SchemaId(ReadOnlySpan<byte> data, string? topic)
    {
        if (data.Length < 5 || data[0] != MagicByte)
            throw new InvalidDataException($"{typeof(T).Name} on {topic}: not in the schema registry wire format (expected magic byte 0 and a schema id, got {data.Length} bytes)");
        return BinaryPrimitives.ReadInt32BigEndian(data.Slice(1, 4));
    }

    /// <summary>Whether the reader for this id is cached (no registry call needed).</summary>
    public bool Knows(int schemaId) => _readers.ContainsKey(schemaId);

    /// <summary>Fetches and caches the writer schema of an id (once; later calls return at once).</summary>
    /// <exception cref="InvalidDataException">The registry does not have the id, or it is not a readable Avro schema.</exception>
    public async Task LearnAsync(int schemaId, string? topic)
    {
        if (_readers.ContainsKey(schemaId)) return;
        Avro.Schema writer;
        try
        {
            var schema = await registry.GetSchemaAsync(schemaId).ConfigureAwait(false);
            writer = Avro.Schema.Parse(schema.SchemaString);
        }
        catch (Exception e) when (e is SchemaRegistryException or HttpRequestException or Avro.SchemaParseException)
        {
            throw new InvalidDataException($"{typeof(T).Name} on {topic}: schema {schemaId} is not available from the registry: {e.Message}", e);
        }
        _readers.TryAdd(schemaId, new ThreadLocal<SpecificDatumReader<T>>(() => new SpecificDatumReader<T>(writer, OwnSchema)));
    }

    /// <summary>Decodes a framed record whose schema id was learnt (<see cref="LearnAsync"/>).</summary>
    /// <exception cref="InvalidDataException">Not framed, or the Avro body does not match its writer schema.</exception>
    public T Read(ReadOnlySpan<byte> data, string? topic)
    {
        var id = SchemaId(data, topic);
        if (!_readers.TryGetValue(id, out var reader))
            throw new InvalidOperationException($"schema {id} was not learnt before reading {typeof(T).Name} on {topic}");
        try
        {
            return ReadInPlace(reader.Value!, data[5..]);
        }
        catch (Exception e) when (e is Avro.AvroException or EndOfStreamException or InvalidCastException or IOException)
        {
            throw new InvalidDataException($"{typeof(T).Name} on {topic}: cannot read Avro with writer schema {id}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Decodes straight from the record's bytes, pinned for the call: Avro's decoder wants a stream, and a copy of every
    /// record into a new one was the largest single allocation of an edge reading its deliveries.
    /// </summary>
    private static unsafe T ReadInPlace(SpecificDatumReader<T> reader, ReadOnlySpan<byte> body)
    {
        fixed (byte* start = body)
        {
            // An empty body pins as a null pointer, which the stream refuses; any address will do for zero bytes.
            byte empty = 0;
            using var stream = new UnmanagedMemoryStream(start is null ? &empty : start, body.Length);
            return reader.Read(null!, new BinaryDecoder(stream));
        }
    }
}
