using System.Text.RegularExpressions;

namespace ChatStreams.Contracts;

/// <summary>Names of the Kafka topics the pipeline uses (see docs/schemas.md for keys and records).</summary>
public static partial class Topics
{
    /// <summary>Client requests (ChatCommand), key: conversation id.</summary>
    public const string ChatCommands = "chat.commands";

    /// <summary>Sequenced conversation facts (ChatEvent), key: conversation id.</summary>
    public const string ChatEvents = "chat.events";

    /// <summary>Device sessions at edges (SessionEvent), key: user id.</summary>
    public const string ChatSessions = "chat.sessions";

    /// <summary>Aggregated receipt state (ReceiptUpdate), key: conversation id.</summary>
    public const string ChatReceipts = "chat.receipts";

    /// <summary>User presence (PresenceChange), key: user id; compacted.</summary>
    public const string ChatPresence = "chat.presence";

    /// <summary>Messages for offline members (Notification), key: user id.</summary>
    public const string ChatNotifications = "chat.notifications";

    /// <summary>Prefix of the per-edge delivery topics (Delivery), key: user id.</summary>
    public const string DeliveryPrefix = "delivery.";

    /// <summary>Kafka's limit on a topic name's length.</summary>
    public const int MaxTopicNameLength = 249;

    /// <summary>Longest edge id whose delivery topic name still fits Kafka's limit.</summary>
    public const int MaxEdgeIdLength = MaxTopicNameLength - 9; // "delivery.".Length

    /// <summary>The fixed topics (every topic except the per-edge delivery topics).</summary>
    public static IReadOnlyList<string> Fixed { get; } =
        [ChatCommands, ChatEvents, ChatSessions, ChatReceipts, ChatPresence, ChatNotifications];

    /// <summary>The delivery topic of one edge: "delivery." + edge id.</summary>
    /// <exception cref="ArgumentException">The edge id is empty, too long or has characters Kafka does not allow in topic names.</exception>
    public static string Delivery(string edgeId)
    {
        ValidateEdgeId(edgeId);
        return DeliveryPrefix + edgeId;
    }

    /// <summary>The edge id of a delivery topic name, or false if the name is not a valid delivery topic.</summary>
    public static bool TryGetDeliveryEdge(string topic, out string edgeId)
    {
        edgeId = "";
        if (!topic.StartsWith(DeliveryPrefix, StringComparison.Ordinal)) return false;
        var candidate = topic[DeliveryPrefix.Length..];
        if (!IsValidEdgeId(candidate)) return false;
        edgeId = candidate;
        return true;
    }

    /// <summary>True if the edge id can name a delivery topic (1-240 of a-z, A-Z, 0-9, '.', '_', '-').</summary>
    public static bool IsValidEdgeId(string? edgeId) =>
        !string.IsNullOrEmpty(edgeId) && edgeId.Length <= MaxEdgeIdLength && TopicNameChars().IsMatch(edgeId);

    private static void ValidateEdgeId(string edgeId)
    {
        if (string.IsNullOrEmpty(edgeId))
            throw new ArgumentException("The edge id is empty; give each edge a non-empty id such as 'edge-0'.", nameof(edgeId));
        if (edgeId.Length > MaxEdgeIdLength)
            throw new ArgumentException(
                $"The edge id is {edgeId.Length} characters long; the delivery topic name would exceed Kafka's {MaxTopicNameLength}-character limit. Use at most {MaxEdgeIdLength} characters.",
                nameof(edgeId));
        if (!TopicNameChars().IsMatch(edgeId))
            throw new ArgumentException(
                $"The edge id '{edgeId}' has characters Kafka does not allow in a topic name; use only letters a-z A-Z, digits, '.', '_' and '-'.",
                nameof(edgeId));
    }

    [GeneratedRegex(@"^[a-zA-Z0-9._-]+\z")]
    private static partial Regex TopicNameChars();
}
