using ChatStreams.SchemaRegistry.Tests.Support;
using static ChatStreams.SchemaRegistry.Tests.Support.AvroSchemas;

namespace ChatStreams.SchemaRegistry.Tests.Http;

public class ConcurrencyTests
{
    [Fact]
    public async Task Concurrent_registrations_of_one_schema_yield_one_id_and_one_version()
    {
        using var data = new TemporaryDirectory();
        await using var registry = await RunningRegistry.StartAsync(data.Path);

        var ids = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
            registry.Http.RegisterOkAsync(i % 2 == 0 ? "a-value" : "b-value", ChatEvent(Id, Body))));

        Assert.Single(ids.Distinct());
        Assert.Equal(1, (await registry.Http.GetAsync("/subjects/a-value/versions")).Json.GetArrayLength());
        Assert.Equal(1, (await registry.Http.GetAsync("/subjects/b-value/versions")).Json.GetArrayLength());
    }

    [Fact]
    public async Task Concurrent_registrations_of_different_schemas_get_distinct_ids_and_consecutive_versions()
    {
        await using var registry = await RunningRegistry.StartAsync(defaultCompatibility: "NONE");

        var ids = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            registry.Http.RegisterOkAsync("s", ChatEvent(Id, $$"""{"name":"f{{i}}","type":"int"}"""))));

        Assert.Equal(Enumerable.Range(1, 16), ids.Order());
        var versions = (await registry.Http.GetAsync("/subjects/s/versions")).Json.EnumerateArray().Select(v => v.GetInt32());
        Assert.Equal(Enumerable.Range(1, 16), versions);
    }
}
