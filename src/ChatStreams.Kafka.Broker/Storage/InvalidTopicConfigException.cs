namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>A topic config value that cannot be used; the broker answers INVALID_CONFIG with this message.</summary>
public sealed class InvalidTopicConfigException(string configName, string? value, string requirement)
    : ArgumentException($"Invalid value '{value ?? "null"}' for topic config {configName}: {requirement}.", configName)
{
    public string ConfigName { get; } = configName;
    public string? Value { get; } = value;
}
