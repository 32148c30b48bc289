namespace ChatStreams.Edge;

/// <summary>Section "Redis": the StackExchange.Redis configuration string (env Redis__Configuration=host:6379). Empty: no Redis.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    public string? Configuration { get; set; }
}
