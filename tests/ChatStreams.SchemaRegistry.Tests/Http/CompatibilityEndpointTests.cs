using System.Net;
using System.Text.Json.Nodes;
using ChatStreams.SchemaRegistry.Tests.Support;
using static ChatStreams.SchemaRegistry.Tests.Support.AvroSchemas;

namespace ChatStreams.SchemaRegistry.Tests.Http;

public class CompatibilityEndpointTests
{
    [Fact]
    public async Task Compatible_schema_is_reported_compatible_and_not_registered()
    {
        await using var registry = await RunningRegistry.StartAsync();
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id));

        var reply = (await registry.Http.CheckCompatibilityAsync("s", "latest", ChatEvent(Id, EditedAtWithDefault), verbose: false)).ShouldBe(HttpStatusCode.OK);

        Assert.Equal("""{"is_compatible":true,"messages":[]}""", reply.Text);
        Assert.Equal(1, (await registry.Http.GetAsync("/subjects/s/versions")).Json.GetArrayLength());
    }

    [Fact]
    public async Task Verbose_check_lists_the_reasons()
    {
        await using var registry = await RunningRegistry.StartAsync();
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id, Body));

        var quiet = (await registry.Http.CheckCompatibilityAsync("s", "1", ChatEvent(Id, BodyAsInt, EditedAtNoDefault), verbose: false)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.False(quiet.GetProperty("is_compatible").GetBoolean());
        Assert.Equal(0, quiet.GetProperty("messages").GetArrayLength());

        var verbose = (await registry.Http.CheckCompatibilityAsync("s", "1", ChatEvent(Id, BodyAsInt, EditedAtNoDefault), verbose: true)).Json;
        Assert.False(verbose.GetProperty("is_compatible").GetBoolean());
        var messages = verbose.GetProperty("messages").EnumerateArray().Select(m => m.GetString()!).ToList();
        Assert.Equal(2, messages.Count);
        Assert.Contains(messages, m => m.Contains("'ChatEvent.body'"));
        Assert.Contains(messages, m => m.Contains("'ChatEvent.editedAt'"));
    }

    [Fact]
    public async Task Check_against_a_specific_version_uses_that_version_only()
    {
        await using var registry = await RunningRegistry.StartAsync();
        (await registry.Http.PutAsync("/config/s", new JsonObject { ["compatibility"] = "NONE" })).ShouldBe(HttpStatusCode.OK);
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id, Body));
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id, BodyAsInt));
        (await registry.Http.PutAsync("/config/s", new JsonObject { ["compatibility"] = "BACKWARD" })).ShouldBe(HttpStatusCode.OK);

        var candidate = ChatEvent(Id, """{"name":"body","type":"long"}""");
        Assert.False((await registry.Http.CheckCompatibilityAsync("s", "1", candidate, verbose: true)).Json.GetProperty("is_compatible").GetBoolean());
        Assert.True((await registry.Http.CheckCompatibilityAsync("s", "2", candidate, verbose: true)).Json.GetProperty("is_compatible").GetBoolean());
        Assert.True((await registry.Http.CheckCompatibilityAsync("s", "latest", candidate, verbose: true)).Json.GetProperty("is_compatible").GetBoolean());
    }

    [Fact]
    public async Task Check_without_version_follows_the_transitive_level()
    {
        await using var registry = await RunningRegistry.StartAsync();
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id, Body));
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id));

        var reply = (await registry.Http.PostAsync("/compatibility/subjects/s/versions?verbose=true",
            RegistryClient.SchemaBody(ChatEvent(Id, """{"name":"body","type":"int","default":0}""")))).ShouldBe(HttpStatusCode.OK).Json;

        Assert.False(reply.GetProperty("is_compatible").GetBoolean());
        Assert.Contains("writer schema version 1", reply.GetProperty("messages")[0].GetString());
    }

    [Fact]
    public async Task Check_against_unknown_subject_or_version_is_404()
    {
        await using var registry = await RunningRegistry.StartAsync();
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id));

        (await registry.Http.CheckCompatibilityAsync("nobody", "latest", ChatEvent(Id), verbose: false)).ShouldFail(HttpStatusCode.NotFound, 40401);
        (await registry.Http.CheckCompatibilityAsync("s", "5", ChatEvent(Id), verbose: false)).ShouldFail(HttpStatusCode.NotFound, 40402);
        (await registry.Http.CheckCompatibilityAsync("s", "latest", "{bad", verbose: false)).ShouldFail(HttpStatusCode.UnprocessableEntity, 42201);
    }
}
