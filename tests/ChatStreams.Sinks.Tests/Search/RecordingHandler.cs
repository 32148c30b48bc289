using System.Net;
using System.Text;

namespace ChatStreams.Sinks.Tests.Search;

/// <summary>
/// Stands in for Elasticsearch's HTTP endpoint in unit tests: records every request (method, path and query, body,
/// authorization) and answers with what the test scripted for it, so the JSON sent and the reading of answers can be
/// checked without a server.
/// </summary>
internal sealed class RecordingHandler(Func<RecordingHandler.Request, (HttpStatusCode Status, string Body)> answer) : HttpMessageHandler
{
    public sealed record Request(HttpMethod Method, string PathAndQuery, string Body, string? ContentType, string? Authorization);

    public List<Request> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(ct);
        var recorded = new Request(request.Method, request.RequestUri!.PathAndQuery, body, request.Content?.Headers.ContentType?.MediaType,
            request.Headers.Authorization?.ToString());
        Requests.Add(recorded);
        var (status, text) = answer(recorded);
        return new HttpResponseMessage(status) { Content = new StringContent(text, Encoding.UTF8, "application/json") };
    }
}
