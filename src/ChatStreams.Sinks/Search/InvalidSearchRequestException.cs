namespace ChatStreams.Sinks.Search;

/// <summary>
/// A search that no index can answer as asked (blank or overlong text, a bad page, malformed scopes). The message says
/// what was wrong and what to do, and is meant for the user: the edge answers it with 400.
/// </summary>
public sealed class InvalidSearchRequestException(string message) : ArgumentException(message);
