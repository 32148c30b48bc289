using System.Net;
using System.Text.Json.Nodes;
using ChatStreams.SchemaRegistry.Tests.Support;
using static ChatStreams.SchemaRegistry.Tests.Support.AvroSchemas;

namespace ChatStreams.SchemaRegistry.Tests.Http;

public class InvalidRequestTests
{
    [Fact]
    public async Task Invalid_schema_json_is_422_42201_with_the_parser_message()
    {
        await using var registry = await RunningRegistry.StartAsync();

        var notJson = (await registry.Http.RegisterAsync("s", "{\"type\": \"record\", ")).ShouldFail(HttpStatusCode.UnprocessableEntity, 42201);
        Assert.StartsWith("Invalid schema:", notJson.Message);

        var unknownType = (await registry.Http.RegisterAsync("s", ChatEvent("""{"name":"body","type":"strng"}"""))).ShouldFail(HttpStatusCode.UnprocessableEntity, 42201);
        Assert.Contains("strng", unknownType.Message);

        Assert.Equal(0, (await registry.Http.GetAsync("/subjects")).Json.GetArrayLength());
    }

    [Fact]
    public async Task Default_that_does_not_match_its_type_is_422()
    {
        await using var registry = await RunningRegistry.StartAsync();

        var reply = (await registry.Http.RegisterAsync("s", ChatEvent("""{"name":"count","type":"int","default":"many"}""")))
            .ShouldFail(HttpStatusCode.UnprocessableEntity, 42201);
        Assert.Contains("'ChatEvent.count'", reply.Message);
    }

    [Theory]
    [InlineData("PROTOBUF")]
    [InlineData("JSON")]
    public async Task Other_schema_types_are_refused_clearly(string schemaType)
    {
        await using var registry = await RunningRegistry.StartAsync();

        var body = new JsonObject { ["schema"] = "syntax = \"proto3\";", ["schemaType"] = schemaType }.ToJsonString();
        var reply = (await registry.Http.PostAsync("/subjects/s/versions", body)).ShouldFail(HttpStatusCode.UnprocessableEntity, 42201);
        Assert.Contains($"schemaType '{schemaType}' is not supported", reply.Message);
        Assert.Contains("AVRO", reply.Message);
    }

    [Fact]
    public async Task Explicit_avro_schema_type_and_null_fields_are_accepted()
    {
        await using var registry = await RunningRegistry.StartAsync();

        var body = new JsonObject { ["schema"] = ChatEvent(Id), ["schemaType"] = "AVRO", ["references"] = new JsonArray(), ["metadata"] = null, ["ruleSet"] = null }.ToJsonString();
        (await registry.Http.PostAsync("/subjects/s/versions", body)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task References_are_refused_with_an_explanation()
    {
        await using var registry = await RunningRegistry.StartAsync();

        var body = new JsonObject
        {
            ["schema"] = ChatEvent(Id),
            ["references"] = new JsonArray(new JsonObject { ["name"] = "chat.v1.Sender", ["subject"] = "sender", ["version"] = 1 }),
        }.ToJsonString();
        var reply = (await registry.Http.PostAsync("/subjects/s/versions", body)).ShouldFail(HttpStatusCode.UnprocessableEntity, 42201);
        Assert.Contains("references are not supported", reply.Message);
    }

    [Fact]
    public async Task Malformed_bodies_are_rejected_with_json_errors()
    {
        await using var registry = await RunningRegistry.StartAsync();

        (await registry.Http.PostAsync("/subjects/s/versions", "{oops")).ShouldFail(HttpStatusCode.BadRequest, 400);
        var noSchema = (await registry.Http.PostAsync("/subjects/s/versions", "{\"schemaType\":\"AVRO\"}")).ShouldFail(HttpStatusCode.UnprocessableEntity, 42201);
        Assert.Contains("'schema'", noSchema.Message);
        (await registry.Http.PostAsync("/subjects/s/versions", "[1,2]")).ShouldFail(HttpStatusCode.UnprocessableEntity, 42201);
    }

    [Fact]
    public async Task Unknown_paths_and_methods_answer_with_confluent_style_errors()
    {
        await using var registry = await RunningRegistry.StartAsync();

        var missing = (await registry.Http.GetAsync("/nothing/here")).ShouldFail(HttpStatusCode.NotFound, 404);
        Assert.Contains("GET /nothing/here", missing.Message);
        Assert.Equal(RegistryClient.MediaType, missing.MediaType);
        (await registry.Http.DeleteAsync("/schemas/types")).ShouldFail(HttpStatusCode.MethodNotAllowed, 405);
    }
}
