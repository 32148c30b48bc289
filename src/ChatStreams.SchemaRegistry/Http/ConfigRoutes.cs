using System.Text.Json;
using System.Text.Json.Nodes;
using ChatStreams.SchemaRegistry.Compatibility;
using ChatStreams.SchemaRegistry.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static ChatStreams.SchemaRegistry.Http.RequestReading;

namespace ChatStreams.SchemaRegistry.Http;

/// <summary>
/// /config and /mode. As Confluent: GET answers {"compatibilityLevel": ...}, PUT answers {"compatibility": ...}.
/// </summary>
internal static class ConfigRoutes
{
    public static void Map(IEndpointRouteBuilder routes, SchemaStore store)
    {
        routes.MapGet("/config", context => Level(context, "compatibilityLevel", store.GetGlobalLevel()));

        routes.MapPut("/config", async context =>
        {
            var level = await RequestedLevel(context);
            store.SetGlobalLevel(level);
            await Level(context, "compatibility", level);
        });

        routes.MapGet("/config/{subject}", context =>
            Level(context, "compatibilityLevel", store.GetSubjectLevel(Subject(context), Flag(context, "defaultToGlobal"))));

        routes.MapPut("/config/{subject}", async context =>
        {
            var level = await RequestedLevel(context);
            store.SetSubjectLevel(Subject(context), level);
            await Level(context, "compatibility", level);
        });

        routes.MapDelete("/config/{subject}", context =>
            Level(context, "compatibilityLevel", store.DeleteSubjectLevel(Subject(context))));

        // The embedded registry is always writable; IMPORT/READONLY modes belong to a real cluster.
        routes.MapGet("/mode", context => Mode(context));
        routes.MapGet("/mode/{subject}", context => Mode(context));
        routes.MapPut("/mode", RequireReadWrite);
        routes.MapPut("/mode/{subject}", RequireReadWrite);
    }

    private static Task Level(HttpContext context, string property, CompatibilityLevel level) =>
        RegistryResponses.Json(context, new JsonObject { [property] = level.ToWireName() });

    private static Task Mode(HttpContext context) => RegistryResponses.Json(context, new JsonObject { ["mode"] = "READWRITE" });

    private static async Task<CompatibilityLevel> RequestedLevel(HttpContext context)
    {
        var body = await JsonBody(context);
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("compatibility", out var value) || value.ValueKind != JsonValueKind.String)
        {
            throw new RegistryRejectedException(422, RegistryErrorCodes.InvalidCompatibilityLevel,
                $"Send the level as {{\"compatibility\": \"<level>\"}}; valid levels are {CompatibilityLevels.ValidNames}.");
        }

        return CompatibilityLevels.Parse(value.GetString());
    }

    private static async Task RequireReadWrite(HttpContext context)
    {
        var body = await JsonBody(context);
        var mode = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("mode", out var value) ? value.GetString() : null;
        if (!string.Equals(mode, "READWRITE", StringComparison.OrdinalIgnoreCase))
        {
            throw new RegistryRejectedException(422, RegistryErrorCodes.InvalidMode,
                $"Mode '{mode}' is not supported: the embedded registry is always READWRITE. Use a Confluent Schema Registry for READONLY or IMPORT.");
        }

        await Mode(context);
    }
}
