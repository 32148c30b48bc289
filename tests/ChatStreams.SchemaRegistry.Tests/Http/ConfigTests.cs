using System.Net;
using System.Text.Json.Nodes;
using ChatStreams.SchemaRegistry.Tests.Support;
using static ChatStreams.SchemaRegistry.Tests.Support.AvroSchemas;

namespace ChatStreams.SchemaRegistry.Tests.Http;

public class ConfigTests
{
    [Fact]
    public async Task Global_level_defaults_to_backward_transitive_and_can_be_changed()
    {
        await using var registry = await RunningRegistry.StartAsync();

        Assert.Equal("""{"compatibilityLevel":"BACKWARD_TRANSITIVE"}""", (await registry.Http.GetAsync("/config")).ShouldBe(HttpStatusCode.OK).Text);
        var put = (await registry.Http.PutAsync("/config", new JsonObject { ["compatibility"] = "full" })).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("""{"compatibility":"FULL"}""", put.Text);
        Assert.Equal("FULL", (await registry.Http.GetAsync("/config")).Json.GetProperty("compatibilityLevel").GetString());
    }

    [Fact]
    public async Task Configured_default_level_applies()
    {
        await using var registry = await RunningRegistry.StartAsync(defaultCompatibility: "NONE");

        Assert.Equal("NONE", (await registry.Http.GetAsync("/config")).Json.GetProperty("compatibilityLevel").GetString());
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id, Body));
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id, BodyAsInt));
    }

    [Fact]
    public async Task Subject_level_overrides_global_level()
    {
        await using var registry = await RunningRegistry.StartAsync();
        await registry.Http.RegisterOkAsync("loose", ChatEvent(Id, Body));
        await registry.Http.RegisterOkAsync("strict", ChatEvent(Id, Body));

        (await registry.Http.GetAsync("/config/loose")).ShouldFail(HttpStatusCode.NotFound, 40408);
        Assert.Equal("BACKWARD_TRANSITIVE", (await registry.Http.GetAsync("/config/loose?defaultToGlobal=true")).Json.GetProperty("compatibilityLevel").GetString());

        Assert.Equal("""{"compatibility":"NONE"}""", (await registry.Http.PutAsync("/config/loose", new JsonObject { ["compatibility"] = "NONE" })).ShouldBe(HttpStatusCode.OK).Text);
        Assert.Equal("""{"compatibilityLevel":"NONE"}""", (await registry.Http.GetAsync("/config/loose")).Text);

        await registry.Http.RegisterOkAsync("loose", ChatEvent(Id, BodyAsInt));
        (await registry.Http.RegisterAsync("strict", ChatEvent(Id, BodyAsInt))).ShouldFail(HttpStatusCode.Conflict, 409);

        // Removing the subject's level puts it back under the global one.
        Assert.Equal("NONE", (await registry.Http.DeleteAsync("/config/loose")).ShouldBe(HttpStatusCode.OK).Json.GetProperty("compatibilityLevel").GetString());
        (await registry.Http.GetAsync("/config/loose")).ShouldFail(HttpStatusCode.NotFound, 40408);
        (await registry.Http.RegisterAsync("loose", ChatEvent(Id, """{"name":"body","type":"boolean"}"""))).ShouldFail(HttpStatusCode.Conflict, 409);
    }

    [Fact]
    public async Task Level_can_be_set_before_the_subject_exists()
    {
        await using var registry = await RunningRegistry.StartAsync();

        (await registry.Http.PutAsync("/config/future", new JsonObject { ["compatibility"] = "FORWARD" })).ShouldBe(HttpStatusCode.OK);

        Assert.Equal("FORWARD", (await registry.Http.GetAsync("/config/future")).Json.GetProperty("compatibilityLevel").GetString());
        Assert.Equal(0, (await registry.Http.GetAsync("/subjects")).Json.GetArrayLength());
        await registry.Http.RegisterOkAsync("future", ChatEvent(Id));
        // FORWARD: version 1 must read the new schema, so dropping the required "id" is refused...
        (await registry.Http.RegisterAsync("future", ChatEvent(Body))).ShouldFail(HttpStatusCode.Conflict, 409);
        // ...while adding a required field is fine (old readers skip it).
        await registry.Http.RegisterOkAsync("future", ChatEvent(Id, Count));
    }

    [Theory]
    [InlineData("SIDEWAYS")]
    [InlineData("")]
    public async Task Invalid_levels_are_42203(string level)
    {
        await using var registry = await RunningRegistry.StartAsync();

        var reply = (await registry.Http.PutAsync("/config", new JsonObject { ["compatibility"] = level })).ShouldFail(HttpStatusCode.UnprocessableEntity, 42203);
        Assert.Contains("FULL_TRANSITIVE", reply.Message);
        (await registry.Http.PutAsync("/config/s", new JsonObject { ["level"] = "NONE" })).ShouldFail(HttpStatusCode.UnprocessableEntity, 42203);
        Assert.Equal("BACKWARD_TRANSITIVE", (await registry.Http.GetAsync("/config")).Json.GetProperty("compatibilityLevel").GetString());
    }

    [Fact]
    public async Task Invalid_default_level_in_options_fails_start_clearly()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            SchemaRegistryServer.StartAsync(new SchemaRegistryOptions { DefaultCompatibility = "STRICT" }));
        Assert.Contains("DefaultCompatibility 'STRICT'", error.Message);
    }
}
