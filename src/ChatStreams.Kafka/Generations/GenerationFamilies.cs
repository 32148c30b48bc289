using ChatStreams.Contracts;

namespace ChatStreams.Kafka.Generations;

/// <summary>
/// The chat's rescalable topics and which generation record each follows: chat.commands has its own; chat.events and
/// chat.receipts (co-partitioned, both written only by the conversation topology) share the record of chat.events and
/// so always have the same generation and partition count.
/// </summary>
public static class GenerationFamilies
{
    /// <summary>Every base topic that is rescaled in generations.</summary>
    public static IReadOnlyList<string> Bases { get; } = [Topics.ChatCommands, Topics.ChatEvents, Topics.ChatReceipts];

    /// <summary>chat.receipts moves with chat.events.</summary>
    public static IReadOnlyList<string> EventsCompanions { get; } = [Topics.ChatReceipts];

    /// <summary>The key of the generation record <paramref name="baseTopic"/> follows, or null when it is not rescalable.</summary>
    public static string? RecordOf(string baseTopic) => baseTopic switch
    {
        Topics.ChatCommands => Topics.ChatCommands,
        Topics.ChatEvents or Topics.ChatReceipts => Topics.ChatEvents,
        _ => null,
    };

    /// <summary>The base name of a rescalable topic's generation (chat.events.g2 → chat.events); other names unchanged.</summary>
    public static string BaseOf(string topic) => TopicGenerations.BaseOf(topic, Bases);
}
