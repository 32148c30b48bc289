using System.Net;
using System.Text.Json.Nodes;
using ChatStreams.SchemaRegistry.Tests.Support;
using static ChatStreams.SchemaRegistry.Tests.Support.AvroSchemas;

namespace ChatStreams.SchemaRegistry.Tests.Http;

public class PersistenceTests
{
    [Fact]
    public async Task Restart_with_the_same_data_directory_keeps_ids_versions_and_config()
    {
        using var data = new TemporaryDirectory();
        int firstId, secondId;
        await using (var registry = await RunningRegistry.StartAsync(data.Path))
        {
            firstId = await registry.Http.RegisterOkAsync("a-value", ChatEvent(Id));
            secondId = await registry.Http.RegisterOkAsync("a-value", ChatEvent(Id, EditedAtWithDefault));
            await registry.Http.RegisterOkAsync("b-value", ChatEvent(Id));
            (await registry.Http.PutAsync("/config/b-value", new JsonObject { ["compatibility"] = "NONE" })).ShouldBe(HttpStatusCode.OK);
            (await registry.Http.PutAsync("/config", new JsonObject { ["compatibility"] = "FULL" })).ShouldBe(HttpStatusCode.OK);
            (await registry.Http.DeleteAsync("/subjects/b-value/versions/1")).ShouldBe(HttpStatusCode.OK);
        }

        await using (var restarted = await RunningRegistry.StartAsync(data.Path))
        {
            Assert.Equal(secondId, await restarted.Http.RegisterOkAsync("a-value", ChatEvent(Id, EditedAtWithDefault)));
            Assert.Equal(firstId, await restarted.Http.RegisterOkAsync("c-value", ChatEvent(Id)));
            Assert.Equal(ChatEvent(Id), (await restarted.Http.GetAsync($"/schemas/ids/{firstId}")).ShouldBe(HttpStatusCode.OK).Json.GetProperty("schema").GetString());
            Assert.Equal([1, 2], (await restarted.Http.GetAsync("/subjects/a-value/versions")).Json.EnumerateArray().Select(v => v.GetInt32()));
            Assert.Equal(["a-value", "c-value"], (await restarted.Http.GetAsync("/subjects")).Json.EnumerateArray().Select(s => s.GetString()));
            Assert.Equal(["a-value", "b-value", "c-value"], (await restarted.Http.GetAsync("/subjects?deleted=true")).Json.EnumerateArray().Select(s => s.GetString()));
            Assert.Equal("NONE", (await restarted.Http.GetAsync("/config/b-value")).Json.GetProperty("compatibilityLevel").GetString());
            Assert.Equal("FULL", (await restarted.Http.GetAsync("/config")).Json.GetProperty("compatibilityLevel").GetString());

            // New schemas continue the id sequence rather than reusing an id.
            var next = await restarted.Http.RegisterOkAsync("d-value", ChatEvent(Id, Count));
            Assert.Equal(secondId + 1, next);
        }

        Assert.Equal(["schema-registry.json"], Directory.GetFiles(data.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task In_memory_registry_writes_nothing_and_forgets_on_restart()
    {
        await using (var registry = await RunningRegistry.StartAsync())
        {
            await registry.Http.RegisterOkAsync("s", ChatEvent(Id, Body));
            await registry.Http.RegisterOkAsync("t", ChatEvent(Id));
        }

        await using var fresh = await RunningRegistry.StartAsync();
        Assert.Equal(1, await fresh.Http.RegisterOkAsync("t", ChatEvent(Id)));
    }

    [Fact]
    public async Task Data_directory_is_created_when_missing()
    {
        using var data = new TemporaryDirectory();
        var nested = Path.Combine(data.Path, "deeper", "registry");

        await using (var registry = await RunningRegistry.StartAsync(nested))
        {
            await registry.Http.RegisterOkAsync("s", ChatEvent(Id));
        }

        Assert.True(File.Exists(Path.Combine(nested, "schema-registry.json")));
    }

    [Fact]
    public async Task Corrupt_data_file_stops_start_with_a_clear_message()
    {
        using var data = new TemporaryDirectory();
        await File.WriteAllTextAsync(Path.Combine(data.Path, "schema-registry.json"), "{ this is not json");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => RunningRegistry.StartAsync(data.Path));

        Assert.Contains("schema-registry.json", error.Message);
        Assert.Contains("not a valid schema registry file", error.Message);
    }

    [Fact]
    public async Task Data_file_pointing_at_a_missing_schema_is_reported()
    {
        using var data = new TemporaryDirectory();
        await File.WriteAllTextAsync(Path.Combine(data.Path, "schema-registry.json"),
            """{"format":1,"nextId":2,"schemas":[],"subjects":[{"subject":"s","versions":[{"version":1,"id":7,"deleted":false}]}]}""");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => RunningRegistry.StartAsync(data.Path));

        Assert.Contains("schema id 7", error.Message);
    }

    [Fact]
    public async Task Failed_write_leaves_memory_unchanged_and_reports_50001()
    {
        using var data = new TemporaryDirectory();
        await using var registry = await RunningRegistry.StartAsync(data.Path);
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id));

        // A directory where the data file should be makes the rename fail.
        var file = Path.Combine(data.Path, "schema-registry.json");
        File.Delete(file);
        Directory.CreateDirectory(file);

        var reply = (await registry.Http.RegisterAsync("s", ChatEvent(Id, EditedAtWithDefault))).ShouldFail(HttpStatusCode.InternalServerError, 50001);
        Assert.Contains("schema-registry.json", reply.Message);
        Assert.Equal([1], (await registry.Http.GetAsync("/subjects/s/versions")).Json.EnumerateArray().Select(v => v.GetInt32()));
        Assert.Empty(Directory.GetFiles(data.Path, "*.tmp"));
    }
}
