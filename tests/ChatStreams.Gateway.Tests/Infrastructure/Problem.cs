using System.Text.Json;

namespace ChatStreams.Gateway.Tests.Infrastructure;

/// <summary>An RFC 7807 response as the client sees it.</summary>
public sealed record Problem(int Status, string ContentType, string Code, string Title, string Detail, string Type)
{
    public static async Task<Problem> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        return new Problem(
            root.GetProperty("status").GetInt32(),
            response.Content.Headers.ContentType?.MediaType ?? "",
            root.GetProperty("code").GetString() ?? "",
            root.GetProperty("title").GetString() ?? "",
            root.GetProperty("detail").GetString() ?? "",
            root.GetProperty("type").GetString() ?? "");
    }
}
