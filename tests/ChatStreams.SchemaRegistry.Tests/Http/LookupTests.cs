using System.Net;
using System.Text.Json;
using ChatStreams.SchemaRegistry.Tests.Support;
using static ChatStreams.SchemaRegistry.Tests.Support.AvroSchemas;

namespace ChatStreams.SchemaRegistry.Tests.Http;

public class LookupTests
{
    [Fact]
    public async Task Lookup_under_a_subject_returns_subject_id_version_and_schema()
    {
        await using var registry = await RunningRegistry.StartAsync();
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id));
        var id = await registry.Http.RegisterOkAsync("s", ChatEvent(Id, EditedAtWithDefault));

        var found = (await registry.Http.LookupAsync("s", ChatEvent(Id, EditedAtWithDefault), "?normalize=False&deleted=False")).ShouldBe(HttpStatusCode.OK).Json;

        Assert.Equal("s", found.GetProperty("subject").GetString());
        Assert.Equal(id, found.GetProperty("id").GetInt32());
        Assert.Equal(2, found.GetProperty("version").GetInt32());
        Assert.Equal(ChatEvent(Id, EditedAtWithDefault), found.GetProperty("schema").GetString());
    }

    [Fact]
    public async Task Lookup_of_an_unregistered_schema_is_40403_and_of_an_unknown_subject_40401()
    {
        await using var registry = await RunningRegistry.StartAsync();
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id));

        (await registry.Http.LookupAsync("s", ChatEvent(Id, Body))).ShouldFail(HttpStatusCode.NotFound, 40403);
        (await registry.Http.LookupAsync("nobody", ChatEvent(Id))).ShouldFail(HttpStatusCode.NotFound, 40401);
    }

    [Fact]
    public async Task Lookup_finds_soft_deleted_versions_only_when_asked()
    {
        await using var registry = await RunningRegistry.StartAsync();
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id));
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id, Count.Replace("}", ",\"default\":0}")));
        (await registry.Http.DeleteAsync("/subjects/s/versions/1")).ShouldBe(HttpStatusCode.OK);

        (await registry.Http.LookupAsync("s", ChatEvent(Id))).ShouldFail(HttpStatusCode.NotFound, 40403);
        var found = (await registry.Http.LookupAsync("s", ChatEvent(Id), "?deleted=true")).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(1, found.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Schemas_by_id_and_their_sub_resources()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var id = await registry.Http.RegisterOkAsync("s", ChatEvent(Id));

        var byId = (await registry.Http.GetAsync($"/schemas/ids/{id}")).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(ChatEvent(Id), byId.GetProperty("schema").GetString());
        Assert.False(byId.TryGetProperty("schemaType", out _), "Confluent omits schemaType for AVRO");

        // The .NET deserializer asks with ?subject=...; the answer is the same.
        var withSubject = (await registry.Http.GetAsync($"/schemas/ids/{id}?subject=s")).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(ChatEvent(Id), withSubject.GetProperty("schema").GetString());

        var raw = (await registry.Http.GetAsync($"/schemas/ids/{id}/schema")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("ChatEvent", raw.Json.GetProperty("name").GetString());

        var subjects = (await registry.Http.GetAsync($"/schemas/ids/{id}/subjects")).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(["s"], subjects.EnumerateArray().Select(s => s.GetString()));

        (await registry.Http.GetAsync("/schemas/ids/99")).ShouldFail(HttpStatusCode.NotFound, 40403);
        (await registry.Http.GetAsync("/schemas/ids/abc")).ShouldFail(HttpStatusCode.NotFound, 40403);
    }

    [Fact]
    public async Task Subjects_versions_and_version_reads()
    {
        await using var registry = await RunningRegistry.StartAsync();
        await registry.Http.RegisterOkAsync("b-value", ChatEvent(Id));
        await registry.Http.RegisterOkAsync("a-value", ChatEvent(Id));
        await registry.Http.RegisterOkAsync("a-value", ChatEvent(Id, EditedAtWithDefault));

        var subjects = (await registry.Http.GetAsync("/subjects")).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(["a-value", "b-value"], subjects.EnumerateArray().Select(s => s.GetString()));
        var prefixed = (await registry.Http.GetAsync("/subjects?subjectPrefix=b")).Json;
        Assert.Equal(["b-value"], prefixed.EnumerateArray().Select(s => s.GetString()));

        var versions = (await registry.Http.GetAsync("/subjects/a-value/versions")).Json;
        Assert.Equal([1, 2], versions.EnumerateArray().Select(v => v.GetInt32()));

        var v1 = (await registry.Http.GetAsync("/subjects/a-value/versions/1")).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(1, v1.GetProperty("version").GetInt32());
        Assert.Equal(ChatEvent(Id), v1.GetProperty("schema").GetString());

        var latest = (await registry.Http.GetAsync("/subjects/a-value/versions/latest")).Json;
        var minusOne = (await registry.Http.GetAsync("/subjects/a-value/versions/-1")).Json;
        Assert.Equal(2, latest.GetProperty("version").GetInt32());
        Assert.Equal(latest.GetRawText(), minusOne.GetRawText());

        var rawSchema = (await registry.Http.GetAsync("/subjects/a-value/versions/1/schema")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(JsonDocument.Parse(ChatEvent(Id)).RootElement.GetRawText(), rawSchema.Json.GetRawText());

        var referencedBy = (await registry.Http.GetAsync("/subjects/a-value/versions/1/referencedby")).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(0, referencedBy.GetArrayLength());
    }

    [Fact]
    public async Task Unknown_subjects_and_versions_are_40401_40402_and_bad_versions_42202()
    {
        await using var registry = await RunningRegistry.StartAsync();
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id));

        (await registry.Http.GetAsync("/subjects/nobody/versions")).ShouldFail(HttpStatusCode.NotFound, 40401);
        (await registry.Http.GetAsync("/subjects/nobody/versions/latest")).ShouldFail(HttpStatusCode.NotFound, 40401);
        (await registry.Http.GetAsync("/subjects/s/versions/7")).ShouldFail(HttpStatusCode.NotFound, 40402);
        (await registry.Http.GetAsync("/subjects/s/versions/zero")).ShouldFail(HttpStatusCode.UnprocessableEntity, 42202);
        (await registry.Http.GetAsync("/subjects/s/versions/0")).ShouldFail(HttpStatusCode.UnprocessableEntity, 42202);
    }

    [Fact]
    public async Task Subject_names_with_escaped_characters_round_trip()
    {
        await using var registry = await RunningRegistry.StartAsync();
        const string subject = "chatstreams.v1.ChatEvent/with slash";

        await registry.Http.RegisterOkAsync(subject, ChatEvent(Id));

        var subjects = (await registry.Http.GetAsync("/subjects")).Json;
        Assert.Equal([subject], subjects.EnumerateArray().Select(s => s.GetString()));
        var latest = (await registry.Http.GetAsync($"/subjects/{Uri.EscapeDataString(subject)}/versions/latest")).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal(subject, latest.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Root_types_and_mode_answer_like_confluent()
    {
        await using var registry = await RunningRegistry.StartAsync();

        Assert.Equal("{}", (await registry.Http.GetAsync("/")).ShouldBe(HttpStatusCode.OK).Text);
        Assert.Equal("""["AVRO"]""", (await registry.Http.GetAsync("/schemas/types")).Text);
        Assert.Equal("READWRITE", (await registry.Http.GetAsync("/mode")).ShouldBe(HttpStatusCode.OK).Json.GetProperty("mode").GetString());
        Assert.Equal("READWRITE", (await registry.Http.GetAsync("/mode/s")).Json.GetProperty("mode").GetString());
        (await registry.Http.PutAsync("/mode", new System.Text.Json.Nodes.JsonObject { ["mode"] = "READWRITE" })).ShouldBe(HttpStatusCode.OK);
        (await registry.Http.PutAsync("/mode", new System.Text.Json.Nodes.JsonObject { ["mode"] = "READONLY" })).ShouldFail(HttpStatusCode.UnprocessableEntity, 42204);
    }
}
