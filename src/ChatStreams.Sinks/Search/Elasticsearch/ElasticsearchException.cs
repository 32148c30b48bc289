using System.Net;

namespace ChatStreams.Sinks.Search.Elasticsearch;

/// <summary>
/// Elasticsearch refused or failed a request. Thrown from a write, nothing of the batch may be assumed written (the
/// runner retries it); the message names the request, the status and Elasticsearch's own reason.
/// </summary>
public sealed class ElasticsearchException(string message, HttpStatusCode? status = null, Exception? inner = null) : Exception(message, inner)
{
    public HttpStatusCode? Status { get; } = status;
}
