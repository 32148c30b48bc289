using Avro;
using Avro.Specific;

namespace ChatStreams.SchemaRegistry.Tests.Client;

/// <summary>
/// A hand-written specific record (as avrogen would generate): its Avro full name equals its CLR full name,
/// which is how Apache.Avro's specific reader finds the type to create.
/// </summary>
public sealed class TestChatMessage : ISpecificRecord
{
    public const string SchemaJson = """
        {"type":"record","name":"TestChatMessage","namespace":"ChatStreams.SchemaRegistry.Tests.Client","fields":[
          {"name":"id","type":"string"},
          {"name":"body","type":"string"},
          {"name":"sentAt","type":"long"},
          {"name":"editedBy","type":["null","string"],"default":null}]}
        """;

    /// <summary>Version 1 of the same record, before "editedBy" was added.</summary>
    public const string Version1SchemaJson = """
        {"type":"record","name":"TestChatMessage","namespace":"ChatStreams.SchemaRegistry.Tests.Client","fields":[
          {"name":"id","type":"string"},
          {"name":"body","type":"string"},
          {"name":"sentAt","type":"int"}]}
        """;

    // Confluent's specific serializer reads the schema from this static field by name.
#pragma warning disable SA1311, IDE1006
    public static readonly Schema _SCHEMA = Schema.Parse(SchemaJson);
#pragma warning restore SA1311, IDE1006

    public Schema Schema => _SCHEMA;

    public string Id { get; set; } = "";

    public string Body { get; set; } = "";

    public long SentAt { get; set; }

    public string? EditedBy { get; set; }

    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => Id,
        1 => Body,
        2 => SentAt,
        3 => EditedBy,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in Get()"),
    };

    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: Id = (string)fieldValue!; break;
            case 1: Body = (string)fieldValue!; break;
            case 2: SentAt = (long)fieldValue!; break;
            case 3: EditedBy = (string?)fieldValue; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in Put()");
        }
    }
}
