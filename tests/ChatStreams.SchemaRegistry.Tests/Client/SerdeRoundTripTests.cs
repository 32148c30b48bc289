using System.Buffers.Binary;
using Avro;
using Avro.Generic;
using ChatStreams.SchemaRegistry.Tests.Support;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Schema = Avro.Schema;

namespace ChatStreams.SchemaRegistry.Tests.Client;

/// <summary>Confluent's own Avro serializer and deserializer, talking HTTP to the embedded registry.</summary>
public class SerdeRoundTripTests
{
    private static readonly SerializationContext ChatEventsValue = new(MessageComponentType.Value, "chat.events");

    [Fact]
    public async Task Generic_record_round_trips_and_registers_under_the_topic_value_subject()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var schema = (RecordSchema)Schema.Parse(AvroSchemas.ChatEvent(AvroSchemas.Id, AvroSchemas.Body, AvroSchemas.EditedAtWithDefault));
        var record = new GenericRecord(schema);
        record.Add("id", "m-1");
        record.Add("body", "hello");
        record.Add("editedAt", 1234L);

        byte[] bytes;
        using (var producerClient = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url }))
        {
            bytes = await new AvroSerializer<GenericRecord>(producerClient).SerializeAsync(record, ChatEventsValue);
        }

        // Confluent wire format: magic byte 0, then the big-endian schema id.
        Assert.Equal(0, bytes[0]);
        var id = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1, 4));
        var registered = (await registry.Http.GetAsync("/subjects/chat.events-value/versions/1")).Json;
        Assert.Equal(id, registered.GetProperty("id").GetInt32());

        // A fresh client has nothing cached: it must fetch the writer schema by id.
        using var consumerClient = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url });
        var read = await new AvroDeserializer<GenericRecord>(consumerClient).DeserializeAsync(bytes, isNull: false, ChatEventsValue);
        Assert.Equal("m-1", read["id"]);
        Assert.Equal("hello", read["body"]);
        Assert.Equal(1234L, read["editedAt"]);
    }

    [Fact]
    public async Task Specific_record_round_trips()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var message = new TestChatMessage { Id = "m-2", Body = "hi there", SentAt = 1_700_000_000_000, EditedBy = "u-9" };

        byte[] bytes;
        using (var producerClient = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url }))
        {
            bytes = await new AvroSerializer<TestChatMessage>(producerClient).SerializeAsync(message, ChatEventsValue);
        }

        using var consumerClient = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url });
        var read = await new AvroDeserializer<TestChatMessage>(consumerClient).DeserializeAsync(bytes, isNull: false, ChatEventsValue);

        Assert.Equal(message.Id, read.Id);
        Assert.Equal(message.Body, read.Body);
        Assert.Equal(message.SentAt, read.SentAt);
        Assert.Equal(message.EditedBy, read.EditedBy);
    }

    [Fact]
    public async Task Data_written_with_version_1_is_read_with_the_evolved_specific_type()
    {
        await using var registry = await RunningRegistry.StartAsync();
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url });

        var v1 = new GenericRecord((RecordSchema)Schema.Parse(TestChatMessage.Version1SchemaJson));
        v1.Add("id", "m-3");
        v1.Add("body", "old");
        v1.Add("sentAt", 42);
        var oldBytes = await new AvroSerializer<GenericRecord>(client).SerializeAsync(v1, ChatEventsValue);

        // v2 adds an optional field and widens sentAt from int to long: registered as version 2.
        var newBytes = await new AvroSerializer<TestChatMessage>(client).SerializeAsync(new TestChatMessage { Id = "m-4", Body = "new", SentAt = 43 }, ChatEventsValue);
        Assert.Equal([1, 2], await client.GetSubjectVersionsAsync("chat.events-value"));

        var deserializer = new AvroDeserializer<TestChatMessage>(client);
        var old = await deserializer.DeserializeAsync(oldBytes, isNull: false, ChatEventsValue);
        var current = await deserializer.DeserializeAsync(newBytes, isNull: false, ChatEventsValue);
        Assert.Equal(("m-3", "old", 42L, (string?)null), (old.Id, old.Body, old.SentAt, old.EditedBy));
        Assert.Equal(("m-4", "new", 43L), (current.Id, current.Body, current.SentAt));
    }

    [Fact]
    public async Task Serializer_with_an_incompatible_schema_gets_the_409_and_the_field()
    {
        await using var registry = await RunningRegistry.StartAsync();
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url });
        await new AvroSerializer<TestChatMessage>(client).SerializeAsync(new TestChatMessage { Id = "a", Body = "b" }, ChatEventsValue);

        var breaking = new GenericRecord((RecordSchema)Schema.Parse("""
            {"type":"record","name":"TestChatMessage","namespace":"ChatStreams.SchemaRegistry.Tests.Client","fields":[
              {"name":"id","type":"string"},{"name":"body","type":"int"},{"name":"sentAt","type":"long"}]}
            """));
        breaking.Add("id", "x");
        breaking.Add("body", 1);
        breaking.Add("sentAt", 1L);

        var error = await Assert.ThrowsAsync<SchemaRegistryException>(() => new AvroSerializer<GenericRecord>(client).SerializeAsync(breaking, ChatEventsValue));
        Assert.Equal(409, error.ErrorCode);
        Assert.Contains("'TestChatMessage.body'", error.Message);
    }

    [Fact]
    public async Task Serializer_without_auto_registration_uses_the_pre_registered_id()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var id = await registry.Server.RegisterAsync("chat.events-value", TestChatMessage.SchemaJson);
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url });
        var serializer = new AvroSerializer<TestChatMessage>(client, new AvroSerializerConfig { AutoRegisterSchemas = false });

        var bytes = await serializer.SerializeAsync(new TestChatMessage { Id = "a", Body = "b" }, ChatEventsValue);

        Assert.Equal(id, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1, 4)));
    }

    [Fact]
    public async Task Serializer_without_auto_registration_fails_for_an_unknown_schema()
    {
        await using var registry = await RunningRegistry.StartAsync();
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url });
        var serializer = new AvroSerializer<TestChatMessage>(client, new AvroSerializerConfig { AutoRegisterSchemas = false });

        var error = await Assert.ThrowsAsync<SchemaRegistryException>(() => serializer.SerializeAsync(new TestChatMessage(), ChatEventsValue));
        Assert.Equal(40401, error.ErrorCode);
    }

    [Fact]
    public async Task Serializer_using_the_latest_version_follows_the_registry()
    {
        await using var registry = await RunningRegistry.StartAsync();
        await registry.Server.RegisterAsync("chat.events-value", TestChatMessage.Version1SchemaJson);
        var latestId = await registry.Server.RegisterAsync("chat.events-value", TestChatMessage.SchemaJson);
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url });
        var serializer = new AvroSerializer<TestChatMessage>(client, new AvroSerializerConfig { AutoRegisterSchemas = false, UseLatestVersion = true });

        var bytes = await serializer.SerializeAsync(new TestChatMessage { Id = "a", Body = "b" }, ChatEventsValue);

        Assert.Equal(latestId, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1, 4)));
    }
}
