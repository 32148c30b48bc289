using System.Globalization;
using System.Text.Json;
using ChatStreams.SchemaRegistry.Avro;
using Microsoft.AspNetCore.Http;

namespace ChatStreams.SchemaRegistry.Http;

/// <summary>Reads route values, query flags and JSON bodies; accepts both the Confluent media type and plain application/json.</summary>
internal static class RequestReading
{
    public static string Subject(HttpContext context) => Route(context, "subject");

    public static string Route(HttpContext context, string name) =>
        // Kestrel leaves an encoded '/' (%2F) escaped in the path; subjects may contain one.
        Uri.UnescapeDataString(context.Request.RouteValues[name]?.ToString() ?? "");

    public static int SchemaId(HttpContext context)
    {
        var text = Route(context, "id");
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw RegistryRejectedException.SchemaNotFound($"'{text}' is not a schema id (ids are positive integers)");
    }

    /// <summary>A boolean query flag; the .NET client sends "True"/"False", others "true"/"false".</summary>
    public static bool Flag(HttpContext context, string name) =>
        bool.TryParse(context.Request.Query[name].ToString(), out var value) && value;

    public static async Task<JsonElement> JsonBody(HttpContext context)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new RegistryRejectedException(400, 400, $"The request body is not valid JSON: {e.Message}");
        }
    }

    /// <summary>
    /// Reads a register/lookup/compatibility body: {"schema": "...", "schemaType": "AVRO", "references": []}.
    /// Only self-contained Avro schemas are accepted.
    /// </summary>
    public static async Task<ParsedSchema> SchemaBody(HttpContext context)
    {
        var body = await JsonBody(context);
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw RegistryRejectedException.InvalidSchema("the request body must be a JSON object like {\"schema\": \"<Avro schema JSON as a string>\"}.");
        }

        if (body.TryGetProperty("schemaType", out var type) && type.ValueKind != JsonValueKind.Null
            && !string.Equals(type.GetString(), "AVRO", StringComparison.OrdinalIgnoreCase))
        {
            throw RegistryRejectedException.InvalidSchema(
                $"schemaType '{type}' is not supported: the embedded ChatStreams registry stores AVRO schemas only. " +
                "Omit schemaType (or send AVRO), or point the application at a Confluent Schema Registry for PROTOBUF and JSON schemas.");
        }

        if (body.TryGetProperty("references", out var references) && references.ValueKind == JsonValueKind.Array && references.GetArrayLength() > 0)
        {
            throw RegistryRejectedException.InvalidSchema(
                "schema references are not supported by the embedded registry; define the referenced types inside the schema itself.");
        }

        foreach (var dataContract in new[] { "metadata", "ruleSet" })
        {
            if (body.TryGetProperty(dataContract, out var value) && value.ValueKind == JsonValueKind.Object && value.EnumerateObject().Any())
            {
                throw RegistryRejectedException.InvalidSchema(
                    $"'{dataContract}' (Confluent data contracts) is not supported by the embedded registry; send the schema without it.");
            }
        }

        if (!body.TryGetProperty("schema", out var schema) || schema.ValueKind != JsonValueKind.String)
        {
            throw RegistryRejectedException.InvalidSchema("the request body has no 'schema' string; send {\"schema\": \"<Avro schema JSON as a string>\"}.");
        }

        return ParsedSchema.Parse(schema.GetString());
    }
}
