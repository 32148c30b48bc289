namespace ChatStreams.Kafka.Broker.Groups;

/// <summary>One assignment protocol a member supports (e.g. "range"), with its opaque subscription metadata.</summary>
public sealed record GroupProtocol(string Name, byte[] Metadata);
