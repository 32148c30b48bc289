namespace ChatStreams.Bench.Edge;

/// <summary>A user the benchmark registered, with the token its sockets and REST calls carry.</summary>
public sealed record BenchAccount(string UserId, string Username, string Token);
