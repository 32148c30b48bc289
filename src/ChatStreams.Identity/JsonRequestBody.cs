using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatStreams.Identity;

/// <summary>
/// Reads a small JSON request body and turns every way it can be wrong into a 400 invalid_request problem, where
/// minimal API binding would answer an empty 400 or let an exception become a 500.
/// </summary>
public static class JsonRequestBody
{
    /// <summary>Most requests are a few hundred bytes; anything near this size is not a client of ours.</summary>
    public const long MaxBytes = 16 * 1024;

    /// <param name="maxBytes">Largest body accepted; <see cref="MaxBytes"/> unless the request can carry more (a group's member list).</param>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext context, CancellationToken cancellationToken, long maxBytes = MaxBytes)
        where T : class
    {
        var request = context.Request;
        if (!request.HasJsonContentType())
        {
            return (null, Invalid("The request body must be JSON: send 'Content-Type: application/json'."));
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, Invalid($"The request body is larger than {maxBytes} bytes."));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
        {
            sizeLimit.MaxRequestBodySize = maxBytes; // also bounds chunked bodies, which carry no Content-Length
        }

        var serializerOptions = context.RequestServices.GetService<IOptions<JsonOptions>>()?.Value.SerializerOptions
            ?? JsonSerializerOptions.Web;
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, serializerOptions, cancellationToken);
            return value is null
                ? (null, Invalid("The request body must be a JSON object."))
                : (value, null);
        }
        catch (JsonException e) when (e.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
        {
            // Well-formed JSON of the wrong shape; the serializer's own message names internal types, so say it plainly.
            return (null, Invalid(e.Path is { Length: > 1 } path
                ? $"The value at {path} has the wrong type; see the API reference for the fields and their types."
                : "The request body must be a JSON object."));
        }
        catch (JsonException e)
        {
            return (null, Invalid($"The request body is not valid JSON: {FirstSentence(e.Message)}"));
        }
        catch (BadHttpRequestException e)
        {
            return (null, ApiProblems.Problem(e.StatusCode, ApiErrorCodes.InvalidRequest, $"The request body could not be read: {e.Message}"));
        }
    }

    private static IResult Invalid(string detail) =>
        ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest, detail);

    // System.Text.Json appends path and position details the message above already gives.
    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
