using System.Text;
using Confluent.Kafka;

namespace ChatStreams.Topologies.FanOut;

/// <summary>
/// Carries a group's title from the membership side (which knows it) to the delivery router (which writes push
/// notifications) across the repartition topic, whose records are contract <c>Delivery</c> records without a title
/// field. Set only on message deliveries of titled groups, and removed before anything leaves the fan-out.
/// </summary>
internal static class ConversationTitleHeader
{
    public const string Name = "chatstreams.fanout.conversation-title";

    /// <summary>The given headers plus the title; a new collection, so records sharing the originals are untouched.</summary>
    public static Headers With(Headers? headers, string title)
    {
        var copy = Copy(headers);
        copy.Add(Name, Encoding.UTF8.GetBytes(title));
        return copy;
    }

    /// <summary>The given headers without the title (the same instance when it has none; null stays null).</summary>
    public static Headers? Without(Headers? headers)
    {
        if (headers is null || !headers.Any(h => h.Key == Name)) return headers;
        return Copy(headers);
    }

    private static Headers Copy(Headers? headers)
    {
        var copy = new Headers();
        if (headers is null) return copy;
        foreach (var header in headers)
            if (header.Key != Name) copy.Add(header.Key, header.GetValueBytes());
        return copy;
    }

    public static string? Read(Headers? headers) =>
        headers is not null && headers.TryGetLastBytes(Name, out var bytes) && bytes is not null ? Encoding.UTF8.GetString(bytes) : null;
}
