using System.Text.Json;
using ChatStreams.Identity;
using Microsoft.AspNetCore.Http;

namespace ChatStreams.Edge.Api;

/// <summary>Reads a JSON request body, answering a malformed one with an invalid_request problem instead of an exception.</summary>
internal static class JsonBody
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(HttpRequest request) where T : class
    {
        if (!request.HasJsonContentType())
            return (null, ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest, "send the body as application/json (Content-Type: application/json)"));
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, request.HttpContext.RequestAborted);
            return body is null
                ? (null, ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest, "the body is empty; send a JSON object"))
                : (body, null);
        }
        catch (JsonException e)
        {
            return (null, ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest, $"the body is not the expected JSON: {e.Message}"));
        }
    }

    public static IResult Json(Action<Utf8JsonWriter> write, int status = StatusCodes.Status200OK)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(writer);
        return Results.Text(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan), "application/json", System.Text.Encoding.UTF8, status);
    }
}
