using ChatStreams.SchemaRegistry.Tests.Support;
using Confluent.SchemaRegistry;
using ConfluentCompatibility = Confluent.SchemaRegistry.Compatibility;
using static ChatStreams.SchemaRegistry.Tests.Support.AvroSchemas;

namespace ChatStreams.SchemaRegistry.Tests.Client;

/// <summary>The CachedSchemaRegistryClient administration calls against the embedded registry.</summary>
public class ClientApiTests
{
    [Fact]
    public async Task Register_lookup_and_read_back_through_the_client()
    {
        await using var registry = await RunningRegistry.StartAsync();
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url });

        var id1 = await client.RegisterSchemaAsync("s", new Schema(ChatEvent(Id), SchemaType.Avro));
        var id2 = await client.RegisterSchemaAsync("s", new Schema(ChatEvent(Id, EditedAtWithDefault), SchemaType.Avro));

        Assert.Equal(["s"], await client.GetAllSubjectsAsync());
        Assert.Equal([1, 2], await client.GetSubjectVersionsAsync("s"));

        var latest = await client.GetLatestSchemaAsync("s");
        Assert.Equal((id2, 2, "s"), (latest.Id, latest.Version, latest.Subject));
        Assert.Equal(SchemaType.Avro, latest.SchemaType);

        var first = await client.GetRegisteredSchemaAsync("s", 1, ignoreDeletedSchemas: true);
        Assert.Equal(id1, first.Id);

        var looked = await client.LookupSchemaAsync("s", new Schema(ChatEvent(Id), SchemaType.Avro), ignoreDeletedSchemas: true, normalize: false);
        Assert.Equal((id1, 1), (looked.Id, looked.Version));
        Assert.Equal(id2, await client.GetSchemaIdAsync("s", new Schema(ChatEvent(Id, EditedAtWithDefault), SchemaType.Avro), normalize: false));

        var byId = await client.GetSchemaAsync(id1, null);
        Assert.Equal(ChatEvent(Id), byId.SchemaString);
        Assert.Equal(SchemaType.Avro, byId.SchemaType);
    }

    [Fact]
    public async Task Compatibility_level_get_and_update_through_the_client()
    {
        await using var registry = await RunningRegistry.StartAsync();
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url });

        Assert.Equal(ConfluentCompatibility.BackwardTransitive, await client.GetCompatibilityAsync(null));
        Assert.Equal(ConfluentCompatibility.Full, await client.UpdateCompatibilityAsync(ConfluentCompatibility.Full, "s"));
        Assert.Equal(ConfluentCompatibility.Full, await client.GetCompatibilityAsync("s"));
        Assert.Equal(ConfluentCompatibility.None, await client.UpdateCompatibilityAsync(ConfluentCompatibility.None, null));
        Assert.Equal(ConfluentCompatibility.None, await client.GetCompatibilityAsync(null));
        Assert.Equal(ConfluentCompatibility.Full, await client.GetCompatibilityAsync("s"));
    }

    [Fact]
    public async Task Is_compatible_through_the_client()
    {
        await using var registry = await RunningRegistry.StartAsync();
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url });
        await client.RegisterSchemaAsync("s", new Schema(ChatEvent(Id, Body), SchemaType.Avro));

        Assert.True(await client.IsCompatibleAsync("s", new Schema(ChatEvent(Id, Body, EditedAtWithDefault), SchemaType.Avro)));
        Assert.False(await client.IsCompatibleAsync("s", new Schema(ChatEvent(Id, BodyAsInt), SchemaType.Avro)));
    }

    [Fact]
    public async Task Client_sees_confluent_error_codes()
    {
        await using var registry = await RunningRegistry.StartAsync();
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url });

        var missing = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.GetLatestSchemaAsync("nobody"));
        Assert.Equal(40401, missing.ErrorCode);

        var invalid = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.RegisterSchemaAsync("s", new Schema("{\"type\":\"nope\"}", SchemaType.Avro)));
        Assert.Equal(42201, invalid.ErrorCode);

        var protobuf = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.RegisterSchemaAsync("s", new Schema("syntax = \"proto3\";", SchemaType.Protobuf)));
        Assert.Equal(42201, protobuf.ErrorCode);
        Assert.Contains("PROTOBUF", protobuf.Message);
    }
}
