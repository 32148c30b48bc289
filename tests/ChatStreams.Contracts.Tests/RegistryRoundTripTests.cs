using System.Buffers.Binary;
using Avro;
using Avro.Specific;
using chatstreams.v1;
using Confluent.Kafka;
using Confluent.SchemaRegistry;

namespace ChatStreams.Contracts.Tests;

/// <summary>Every topic record through ChatSerdes and a registry that holds schemas/, as producers and consumers use them.</summary>
public class RegistryRoundTripTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    public static TheoryData<string, int> TopicRecords()
    {
        var data = new TheoryData<string, int>();
        foreach (var file in ContractSchemas.Files)
            for (var variant = 0; variant < SampleRecords.VariantsFor(file.Schema); variant++)
                data.Add(file.Schema.Fullname, variant);
        return data;
    }

    [Fact]
    public void The_schema_folder_registers_one_subject_per_record_name()
    {
        Assert.Equal(
            ContractSchemas.Files.SelectMany(f => f.Subjects).Order(),
            registry.Registered.Select(r => r.Subject).Order());
    }

    [Theory]
    [MemberData(nameof(TopicRecords))]
    public async Task Record_round_trips_through_chat_serdes(string fullName, int variant)
    {
        var schema = (RecordSchema)ContractSchemas.Named(fullName);
        var original = new SampleRecords(variant, minimal: variant % 2 == 1).Record(schema);
        var method = typeof(RegistryRoundTripTests).GetMethod(nameof(RoundTripAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .MakeGenericMethod(original.GetType());
        await (Task)method.Invoke(this, [original])!;
    }

    [Fact]
    public async Task An_unregistered_schema_is_refused_rather_than_registered()
    {
        await using var empty = await RegistryFixture.StartEmptyAsync();
        var options = new SchemaRegistryClientOptions { Url = empty.Url };
        using var client = options.CreateClient();
        var serializer = new ChatSerdes(client, options).Serializer<PresenceChange>();

        var error = await Assert.ThrowsAsync<SchemaRegistryException>(() => serializer.SerializeAsync(
            Presence(), new SerializationContext(MessageComponentType.Value, Topics.ChatPresence)));

        Assert.Equal(40401, error.ErrorCode); // subject not found
        Assert.Contains("chatstreams.v1.PresenceChange", error.Message);
        Assert.Empty(await client.GetAllSubjectsAsync());
    }

    [Fact]
    public async Task With_auto_registration_the_subject_is_the_record_name_whatever_the_topic()
    {
        await using var empty = await RegistryFixture.StartEmptyAsync();
        var options = new SchemaRegistryClientOptions { Url = empty.Url, AutoRegisterSchemas = true };
        using var client = options.CreateClient();
        var serializer = new ChatSerdes(client, options).Serializer<PresenceChange>();

        await serializer.SerializeAsync(Presence(), new SerializationContext(MessageComponentType.Value, Topics.Delivery("edge-7")));

        Assert.Equal(["chatstreams.v1.PresenceChange"], await client.GetAllSubjectsAsync());
    }

    private async Task RoundTripAsync<T>(T original) where T : class, ISpecificRecord
    {
        var serdes = new ChatSerdes(registry.Client, registry.Options);
        var context = new SerializationContext(MessageComponentType.Value, Topics.Delivery("edge-0"));

        var bytes = await serdes.Serializer<T>().SerializeAsync(original, context);

        // Confluent wire format: magic byte 0, then the big-endian id the registry gave the record's subject.
        Assert.Equal(0, bytes[0]);
        var expectedId = registry.Registered.Single(r => r.Subject == original.Schema.Fullname).Id;
        Assert.Equal(expectedId, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1, 4)));

        var copy = await serdes.Deserializer<T>().DeserializeAsync(bytes, isNull: false, context);
        Assert.Null(RecordComparer.FirstDifference(original, copy));

        var consumerCopy = serdes.ConsumerDeserializer<T>().Deserialize(bytes, isNull: false, context);
        Assert.Null(RecordComparer.FirstDifference(original, consumerCopy));
    }

    private static PresenceChange Presence() => new()
    {
        UserId = "alice",
        Status = PresenceStatus.Online,
        LastSeen = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc),
        DevicesOnline = 2,
    };
}
