using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatStreams.SchemaRegistry.Tests.Support;

/// <summary>A plain HTTP client for the registry's REST API, as an operator with curl would use it.</summary>
internal sealed class RegistryClient : IDisposable
{
    public const string MediaType = "application/vnd.schemaregistry.v1+json";

    private readonly HttpClient http;

    public RegistryClient(string url)
    {
        http = new HttpClient { BaseAddress = new Uri(url) };
    }

    public Task<Reply> RegisterAsync(string subject, string schemaJson, string? query = null) =>
        PostAsync($"/subjects/{Uri.EscapeDataString(subject)}/versions{query}", SchemaBody(schemaJson));

    public async Task<int> RegisterOkAsync(string subject, string schemaJson)
    {
        var reply = await RegisterAsync(subject, schemaJson);
        Assert.True(reply.Status == HttpStatusCode.OK, $"registering under {subject} failed: {reply.Status} {reply.Text}");
        return reply.Json.GetProperty("id").GetInt32();
    }

    public Task<Reply> LookupAsync(string subject, string schemaJson, string? query = null) =>
        PostAsync($"/subjects/{Uri.EscapeDataString(subject)}{query}", SchemaBody(schemaJson));

    public Task<Reply> CheckCompatibilityAsync(string subject, string version, string schemaJson, bool verbose) =>
        PostAsync($"/compatibility/subjects/{Uri.EscapeDataString(subject)}/versions/{version}{(verbose ? "?verbose=true" : "")}", SchemaBody(schemaJson));

    public Task<Reply> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public Task<Reply> DeleteAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Delete, path));

    public Task<Reply> PutAsync(string path, JsonNode body) => SendAsync(new HttpRequestMessage(HttpMethod.Put, path) { Content = Json(body.ToJsonString()) });

    public Task<Reply> PostAsync(string path, string body, string mediaType = MediaType) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body, mediaType) });

    public static string SchemaBody(string schemaJson) => new JsonObject { ["schema"] = schemaJson }.ToJsonString();

    public void Dispose() => http.Dispose();

    private async Task<Reply> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            request.Headers.Accept.ParseAdd(MediaType);
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return new Reply(response.StatusCode, text, response.Content.Headers.ContentType?.MediaType);
        }
    }

    private static StringContent Json(string body, string mediaType = MediaType)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }
}

internal sealed record Reply(HttpStatusCode Status, string Text, string? MediaType)
{
    public JsonElement Json => JsonDocument.Parse(Text).RootElement;

    public int ErrorCode => Json.GetProperty("error_code").GetInt32();

    public string Message => Json.GetProperty("message").GetString()!;

    public Reply ShouldBe(HttpStatusCode status)
    {
        Assert.True(Status == status, $"expected {(int)status} but got {(int)Status}: {Text}");
        return this;
    }

    public Reply ShouldFail(HttpStatusCode status, int errorCode)
    {
        ShouldBe(status);
        Assert.Equal(errorCode, ErrorCode);
        return this;
    }
}
