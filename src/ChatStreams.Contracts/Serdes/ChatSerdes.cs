using Avro.Specific;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;

namespace ChatStreams.Contracts;

/// <summary>
/// Confluent Avro serdes for the contract records (values). Subjects follow RecordNameStrategy (subject = the
/// record's full name), because the per-edge delivery topics are created on demand and a topic-named subject would
/// need registering per edge. Keys are plain UTF-8 strings (conversation or user id), not Avro, so partitioning
/// by murmur2 over the key bytes matches Java clients.
/// </summary>
public sealed class ChatSerdes
{
    private readonly ISchemaRegistryClient registry;
    private readonly bool autoRegisterSchemas;

    /// <summary>Serdes over a registry client the caller owns.</summary>
    public ChatSerdes(ISchemaRegistryClient registry, SchemaRegistryClientOptions options)
    {
        this.registry = registry;
        autoRegisterSchemas = options.AutoRegisterSchemas;
    }

    /// <summary>The registry the serdes resolve schemas with.</summary>
    public ISchemaRegistryClient Registry => registry;

    /// <summary>Whether serializers register a schema the registry does not know (off by default: schemas are registered at deploy).</summary>
    public bool AutoRegisterSchemas => autoRegisterSchemas;

    /// <summary>Key serializer: UTF-8 bytes of the id.</summary>
    public static ISerializer<string> KeySerializer => Serializers.Utf8;

    /// <summary>Key deserializer: UTF-8 bytes of the id.</summary>
    public static IDeserializer<string> KeyDeserializer => Deserializers.Utf8;

    /// <summary>Value serializer for a contract record; producers take it as it is (async).</summary>
    public IAsyncSerializer<T> Serializer<T>() where T : ISpecificRecord =>
        new AvroSerializer<T>(registry, new AvroSerializerConfig
        {
            SubjectNameStrategy = SubjectNameStrategy.Record,
            AutoRegisterSchemas = autoRegisterSchemas,
        });

    /// <summary>Value deserializer for a contract record (async), for code that awaits it.</summary>
    public IAsyncDeserializer<T> Deserializer<T>() where T : class, ISpecificRecord => new RegistryAvroDeserializer<T>(registry);

    /// <summary>
    /// Value deserializer for Confluent's ConsumerBuilder, which only accepts synchronous deserializers. It blocks
    /// only when a schema id is seen for the first time (one registry fetch); after that the schema is cached.
    /// </summary>
    public IDeserializer<T> ConsumerDeserializer<T>() where T : class, ISpecificRecord => new RegistryAvroDeserializer<T>(registry);
}
