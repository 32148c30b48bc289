using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace ChatStreams.SchemaRegistry.Http;

/// <summary>Writes responses the way Confluent's registry does: its versioned media type and its error body shape.</summary>
internal static class RegistryResponses
{
    public const string MediaType = "application/vnd.schemaregistry.v1+json";

    public static Task Json(HttpContext context, JsonNode? body, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = MediaType;
        return context.Response.WriteAsync(body?.ToJsonString() ?? "null", context.RequestAborted);
    }

    /// <summary>The raw schema text (the /schema sub-resources), which is itself JSON.</summary>
    public static Task RawSchema(HttpContext context, string schemaText)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = MediaType;
        return context.Response.WriteAsync(schemaText, context.RequestAborted);
    }

    public static Task Error(HttpContext context, int status, int errorCode, string message) =>
        Json(context, new JsonObject { ["error_code"] = errorCode, ["message"] = message }, status);

    public static JsonObject SubjectVersion(Storage.SubjectVersionView view) => new()
    {
        ["subject"] = view.Subject,
        ["version"] = view.Version,
        ["id"] = view.Id,
        ["schema"] = view.Schema,
    };

    public static JsonArray Array<T>(IEnumerable<T> items) => new(items.Select(i => JsonSerializer.SerializeToNode(i)).ToArray());
}
