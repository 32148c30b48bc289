using System.Net;
using ChatStreams.SchemaRegistry.Tests.Support;
using static ChatStreams.SchemaRegistry.Tests.Support.AvroSchemas;

namespace ChatStreams.SchemaRegistry.Tests.Http;

public class RegistrationTests
{
    [Fact]
    public async Task Register_returns_an_id_and_the_same_id_for_the_same_schema()
    {
        await using var registry = await RunningRegistry.StartAsync();

        var first = await registry.Http.RegisterOkAsync("chat.events-value", ChatEvent(Id, Body));
        var again = await registry.Http.RegisterOkAsync("chat.events-value", ChatEvent(Id, Body));
        var reformatted = await registry.Http.RegisterOkAsync("chat.events-value", ChatEvent(Id, Body).Replace(",", " , "));

        Assert.Equal(1, first);
        Assert.Equal(first, again);
        Assert.Equal(first, reformatted);
        var versions = (await registry.Http.GetAsync("/subjects/chat.events-value/versions")).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal([1], versions.EnumerateArray().Select(v => v.GetInt32()));
    }

    [Fact]
    public async Task Same_schema_under_two_subjects_shares_one_global_id()
    {
        await using var registry = await RunningRegistry.StartAsync();

        var a = await registry.Http.RegisterOkAsync("a-value", ChatEvent(Id));
        var b = await registry.Http.RegisterOkAsync("b-value", ChatEvent(Id));
        var other = await registry.Http.RegisterOkAsync("b-value", ChatEvent(Id, EditedAtWithDefault));

        Assert.Equal(a, b);
        Assert.NotEqual(a, other);
        var owners = (await registry.Http.GetAsync($"/schemas/ids/{a}/versions")).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(["a-value:1", "b-value:1"],
            owners.EnumerateArray().Select(o => $"{o.GetProperty("subject").GetString()}:{o.GetProperty("version").GetInt32()}"));
    }

    [Fact]
    public async Task Register_answers_with_the_confluent_media_type_and_accepts_query_strings()
    {
        await using var registry = await RunningRegistry.StartAsync();

        var reply = (await registry.Http.RegisterAsync("s", ChatEvent(Id), "?normalize=False")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(RegistryClient.MediaType, reply.MediaType);
        Assert.Equal("""{"id":1}""", reply.Text);
    }

    [Fact]
    public async Task Plain_application_json_bodies_are_accepted()
    {
        await using var registry = await RunningRegistry.StartAsync();

        var reply = await registry.Http.PostAsync("/subjects/s/versions", RegistryClient.SchemaBody(ChatEvent(Id)), "application/json");

        reply.ShouldBe(HttpStatusCode.OK);
        Assert.Equal(1, reply.Json.GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task New_field_without_default_is_refused_with_409_naming_the_field()
    {
        await using var registry = await RunningRegistry.StartAsync();
        await registry.Http.RegisterOkAsync("chat.events-value", ChatEvent(Id));

        var reply = (await registry.Http.RegisterAsync("chat.events-value", ChatEvent(Id, EditedAtNoDefault)))
            .ShouldFail(HttpStatusCode.Conflict, 409);

        Assert.Contains("reader field 'ChatEvent.editedAt' has no default and is missing from writer schema version 1", reply.Message);
        Assert.Contains("BACKWARD_TRANSITIVE", reply.Message);
        Assert.Contains("\"chat.events-value\"", reply.Message);
    }

    [Fact]
    public async Task Type_change_string_to_int_is_refused_naming_the_field()
    {
        await using var registry = await RunningRegistry.StartAsync();
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id, Body));

        var reply = (await registry.Http.RegisterAsync("s", ChatEvent(Id, BodyAsInt))).ShouldFail(HttpStatusCode.Conflict, 409);

        Assert.Contains("field 'ChatEvent.body': writer schema version 1 writes string, which the new schema cannot read as int", reply.Message);
    }

    [Fact]
    public async Task Removed_enum_symbol_is_refused_naming_the_field_and_symbol()
    {
        await using var registry = await RunningRegistry.StartAsync();
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id, Kind("TEXT", "IMAGE", "VIDEO")));

        var reply = (await registry.Http.RegisterAsync("s", ChatEvent(Id, Kind("TEXT", "IMAGE")))).ShouldFail(HttpStatusCode.Conflict, 409);

        Assert.Contains("field 'ChatEvent.kind'", reply.Message);
        Assert.Contains("'VIDEO'", reply.Message);
    }

    [Fact]
    public async Task Refused_schema_gets_no_version_and_no_id()
    {
        await using var registry = await RunningRegistry.StartAsync();
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id));

        (await registry.Http.RegisterAsync("s", ChatEvent(Id, EditedAtNoDefault))).ShouldBe(HttpStatusCode.Conflict);
        var next = await registry.Http.RegisterOkAsync("other", ChatEvent(Id, Count));

        Assert.Equal(2, next);
        var versions = (await registry.Http.GetAsync("/subjects/s/versions")).Json;
        Assert.Equal(1, versions.GetArrayLength());
    }

    [Fact]
    public async Task Compatible_evolutions_get_version_2()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var v1Id = await registry.Http.RegisterOkAsync("fields", ChatEvent(Id));
        var v2Id = await registry.Http.RegisterOkAsync("fields", ChatEvent(Id, EditedAtWithDefault));
        await registry.Http.RegisterOkAsync("numbers", ChatEvent(Id, Count));
        await registry.Http.RegisterOkAsync("numbers", ChatEvent(Id, CountAsLong));

        Assert.NotEqual(v1Id, v2Id);
        foreach (var subject in new[] { "fields", "numbers" })
        {
            var latest = (await registry.Http.GetAsync($"/subjects/{subject}/versions/latest")).ShouldBe(HttpStatusCode.OK).Json;
            Assert.Equal(2, latest.GetProperty("version").GetInt32());
            Assert.Equal(subject, latest.GetProperty("subject").GetString());
        }
    }

    [Fact]
    public async Task Transitive_level_checks_version_1_not_only_the_latest()
    {
        await using var registry = await RunningRegistry.StartAsync();
        const string v3 = """{"name":"body","type":"int","default":0}""";

        // BACKWARD_TRANSITIVE (the default): v3 reads v2 data, but not v1's string body.
        await registry.Http.RegisterOkAsync("transitive", ChatEvent(Id, Body));
        await registry.Http.RegisterOkAsync("transitive", ChatEvent(Id));
        var refused = (await registry.Http.RegisterAsync("transitive", ChatEvent(Id, v3))).ShouldFail(HttpStatusCode.Conflict, 409);
        Assert.Contains("writer schema version 1", refused.Message);
        Assert.DoesNotContain("version 2", refused.Message);

        // Plain BACKWARD only looks at the latest version, so the same history accepts v3.
        (await registry.Http.PutAsync("/config/latest-only", new System.Text.Json.Nodes.JsonObject { ["compatibility"] = "BACKWARD" })).ShouldBe(HttpStatusCode.OK);
        await registry.Http.RegisterOkAsync("latest-only", ChatEvent(Id, Body));
        await registry.Http.RegisterOkAsync("latest-only", ChatEvent(Id));
        await registry.Http.RegisterOkAsync("latest-only", ChatEvent(Id, v3));
    }

    [Fact]
    public async Task Soft_deleted_versions_are_not_checked_and_a_re_registered_schema_keeps_its_id()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var originalId = await registry.Http.RegisterOkAsync("s", ChatEvent(Id, Body));
        (await registry.Http.DeleteAsync("/subjects/s")).ShouldBe(HttpStatusCode.OK);

        // With version 1 soft-deleted, an otherwise incompatible schema is the first live version.
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id, BodyAsInt));
        var back = await registry.Http.RegisterOkAsync("other", ChatEvent(Id, Body));

        Assert.Equal(originalId, back);
        var latest = (await registry.Http.GetAsync("/subjects/s/versions/latest")).Json;
        Assert.Equal(2, latest.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task In_process_registration_follows_the_same_rules()
    {
        await using var registry = await RunningRegistry.StartAsync();

        var id = await registry.Server.RegisterAsync("s", ChatEvent(Id));
        Assert.Equal(id, await registry.Http.RegisterOkAsync("s", ChatEvent(Id)));

        var incompatible = await Assert.ThrowsAsync<RegistryRejectedException>(() => registry.Server.RegisterAsync("s", ChatEvent(Id, EditedAtNoDefault)));
        Assert.Equal(409, incompatible.ErrorCode);
        Assert.Contains("ChatEvent.editedAt", incompatible.Message);

        var invalid = await Assert.ThrowsAsync<RegistryRejectedException>(() => registry.Server.RegisterAsync("s", "{not json"));
        Assert.Equal(42201, invalid.ErrorCode);
    }
}
