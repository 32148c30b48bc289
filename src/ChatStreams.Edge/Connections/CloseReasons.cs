namespace ChatStreams.Edge.Connections;

/// <summary>Why a socket ended; the Disconnect session event and the close frame carry it.</summary>
public static class CloseReasons
{
    public const string ClientClosed = "client_closed";
    public const string SlowConsumer = "slow_consumer";
    public const string EdgeDraining = "edge_draining";
    public const string HistoryUnavailable = "history_unavailable";
    public const string TokenExpired = "token_expired";
    public const string Error = "error";
}
