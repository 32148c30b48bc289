using System.Text.Json;
using ChatStreams.Edge.Frames;
using Microsoft.AspNetCore.Http;

namespace ChatStreams.Edge.Api;

/// <summary>JSON answers written with the frames' own field writers (Utf8JsonWriter), not through the serializer.</summary>
internal static class JsonBody
{
    public static IResult Json(Action<Utf8JsonWriter> write, int status = StatusCodes.Status200OK) =>
        Results.Text(ServerFrames.Utf8Json(write), "application/json", status);
}
