namespace ChatStreams.Gateway;

/// <summary>One edge the gateway may route to: a stable id (pod name or URL) and its base URL.</summary>
public sealed record EdgeDestination(string Id, string Address);
