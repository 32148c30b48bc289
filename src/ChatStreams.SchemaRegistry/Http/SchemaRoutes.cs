using System.Text.Json.Nodes;
using ChatStreams.SchemaRegistry.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using static ChatStreams.SchemaRegistry.Http.RequestReading;

namespace ChatStreams.SchemaRegistry.Http;

/// <summary>/schemas: schemas by global id, which is what deserializers fetch.</summary>
internal static class SchemaRoutes
{
    public static void Map(IEndpointRouteBuilder routes, SchemaStore store)
    {
        routes.MapGet("/schemas/types", context => RegistryResponses.Json(context, new JsonArray("AVRO")));

        // The .NET client sends ?subject=<subject> (and sometimes &format=); ids are global, so neither changes the answer.
        routes.MapGet("/schemas/ids/{id}", context =>
            RegistryResponses.Json(context, new JsonObject { ["schema"] = store.GetSchemaText(SchemaId(context)) }));

        routes.MapGet("/schemas/ids/{id}/schema", context => RegistryResponses.RawSchema(context, store.GetSchemaText(SchemaId(context))));

        routes.MapGet("/schemas/ids/{id}/versions", context =>
        {
            var versions = store.GetVersionsOfSchema(SchemaId(context), Flag(context, "deleted"));
            var body = new JsonArray(versions.Select(v => (JsonNode)new JsonObject { ["subject"] = v.Subject, ["version"] = v.Version }).ToArray());
            return RegistryResponses.Json(context, body);
        });

        routes.MapGet("/schemas/ids/{id}/subjects", context =>
        {
            var versions = store.GetVersionsOfSchema(SchemaId(context), Flag(context, "deleted"));
            return RegistryResponses.Json(context, RegistryResponses.Array(versions.Select(v => v.Subject).Distinct()));
        });
    }
}
