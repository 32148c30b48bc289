using System.Net;
using ChatStreams.SchemaRegistry.Tests.Support;
using static ChatStreams.SchemaRegistry.Tests.Support.AvroSchemas;

namespace ChatStreams.SchemaRegistry.Tests.Http;

public class DeleteTests
{
    [Fact]
    public async Task Soft_deleting_a_version_hides_it_unless_deleted_is_asked_for()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var v1Id = await registry.Http.RegisterOkAsync("s", ChatEvent(Id));
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id, EditedAtWithDefault));

        Assert.Equal("1", (await registry.Http.DeleteAsync("/subjects/s/versions/1")).ShouldBe(HttpStatusCode.OK).Text);

        Assert.Equal([2], (await registry.Http.GetAsync("/subjects/s/versions")).Json.EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal([1, 2], (await registry.Http.GetAsync("/subjects/s/versions?deleted=true")).Json.EnumerateArray().Select(v => v.GetInt32()));
        (await registry.Http.GetAsync("/subjects/s/versions/1")).ShouldFail(HttpStatusCode.NotFound, 40402);
        (await registry.Http.GetAsync("/subjects/s/versions/1?deleted=true")).ShouldBe(HttpStatusCode.OK);

        // Consumers may still hold data written with the soft-deleted schema: its id stays readable.
        (await registry.Http.GetAsync($"/schemas/ids/{v1Id}")).ShouldBe(HttpStatusCode.OK);
        (await registry.Http.DeleteAsync("/subjects/s/versions/1")).ShouldFail(HttpStatusCode.NotFound, 40406);
    }

    [Fact]
    public async Task Permanent_version_delete_requires_a_soft_delete_first()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var id = await registry.Http.RegisterOkAsync("s", ChatEvent(Id));
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id, EditedAtWithDefault));

        (await registry.Http.DeleteAsync("/subjects/s/versions/1?permanent=true")).ShouldFail(HttpStatusCode.NotFound, 40407);
        (await registry.Http.DeleteAsync("/subjects/s/versions/1")).ShouldBe(HttpStatusCode.OK);
        (await registry.Http.DeleteAsync("/subjects/s/versions/1?permanent=true")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal([2], (await registry.Http.GetAsync("/subjects/s/versions?deleted=true")).Json.EnumerateArray().Select(v => v.GetInt32()));
        (await registry.Http.GetAsync($"/schemas/ids/{id}")).ShouldFail(HttpStatusCode.NotFound, 40403);
        (await registry.Http.DeleteAsync("/subjects/s/versions/9")).ShouldFail(HttpStatusCode.NotFound, 40402);
    }

    [Fact]
    public async Task Deleting_latest_removes_the_newest_live_version()
    {
        await using var registry = await RunningRegistry.StartAsync();
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id));
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id, EditedAtWithDefault));

        Assert.Equal("2", (await registry.Http.DeleteAsync("/subjects/s/versions/latest")).ShouldBe(HttpStatusCode.OK).Text);
        Assert.Equal(1, (await registry.Http.GetAsync("/subjects/s/versions/latest")).Json.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Soft_then_permanent_subject_delete()
    {
        await using var registry = await RunningRegistry.StartAsync();
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id));
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id, EditedAtWithDefault));
        await registry.Http.RegisterOkAsync("keep", ChatEvent(Id));

        (await registry.Http.DeleteAsync("/subjects/s?permanent=true")).ShouldFail(HttpStatusCode.NotFound, 40405);
        var deleted = (await registry.Http.DeleteAsync("/subjects/s")).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal([1, 2], deleted.EnumerateArray().Select(v => v.GetInt32()));

        Assert.Equal(["keep"], (await registry.Http.GetAsync("/subjects")).Json.EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["keep", "s"], (await registry.Http.GetAsync("/subjects?deleted=true")).Json.EnumerateArray().Select(s => s.GetString()));
        (await registry.Http.GetAsync("/subjects/s/versions")).ShouldFail(HttpStatusCode.NotFound, 40401);
        (await registry.Http.DeleteAsync("/subjects/s")).ShouldFail(HttpStatusCode.NotFound, 40404);

        (await registry.Http.DeleteAsync("/subjects/s?permanent=true")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(["keep"], (await registry.Http.GetAsync("/subjects?deleted=true")).Json.EnumerateArray().Select(s => s.GetString()));
        (await registry.Http.DeleteAsync("/subjects/s")).ShouldFail(HttpStatusCode.NotFound, 40401);

        // A shared id stays served while another subject still uses it.
        var keepId = (await registry.Http.GetAsync("/subjects/keep/versions/1")).Json.GetProperty("id").GetInt32();
        (await registry.Http.GetAsync($"/schemas/ids/{keepId}")).ShouldBe(HttpStatusCode.OK);

        // After a hard delete the subject starts again at version 1.
        await registry.Http.RegisterOkAsync("s", ChatEvent(Id, Body));
        Assert.Equal([1], (await registry.Http.GetAsync("/subjects/s/versions")).Json.EnumerateArray().Select(v => v.GetInt32()));
    }
}
