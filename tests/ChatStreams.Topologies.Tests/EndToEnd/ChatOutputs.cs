using ChatStreams.Contracts;
using ChatStreams.Kafka.Generations;
using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.EndToEnd;

/// <summary>A record read back from an output topic, with where it was (order within a partition is offset order).</summary>
public sealed record OutputRecord<T>(string Topic, int Partition, long Offset, string Key, T Value);

/// <summary>
/// The decoded outputs of the topologies the test checks: chat.events, every delivery.&lt;edge&gt; topic and
/// chat.notifications, each list in (partition, offset) order as read.
/// </summary>
public sealed class ChatOutputs
{
    public List<OutputRecord<ChatEvent>> Events { get; } = [];

    public List<OutputRecord<Delivery>> Deliveries { get; } = [];

    public List<OutputRecord<Notification>> Notifications { get; } = [];

    public int Count => Events.Count + Deliveries.Count + Notifications.Count;

    /// <summary>
    /// Puts every event of an older generation of chat.events before those of a newer one, keeping the read order
    /// within each (offset order per partition). That is the order the pipeline promises per conversation after a
    /// partition rescale: all of a conversation's generation-g events precede its generation-g+1 ones.
    /// </summary>
    public void OrderEventsByGeneration()
    {
        var ordered = Events.OrderBy(e => TopicGenerations.IsGenerationOf(e.Topic, Topics.ChatEvents, out var g) ? g : 0).ToList(); // stable
        Events.Clear();
        Events.AddRange(ordered);
    }

    public int MessagesSent => Events.Count(e => e.Value.Payload is MessageSent);

    /// <summary>Deliveries that carry a conversation event, per edge.</summary>
    public int ChatEventDeliveries(string edgeId) =>
        Deliveries.Count(d => d.Topic == Topics.Delivery(edgeId) && d.Value.Payload is ChatEvent);

    public int Outcomes => Deliveries.Count(d => d.Value.Payload is CommandOutcome);

    /// <summary>The edge a delivery was written for (its topic names it).</summary>
    public static string EdgeOf<T>(OutputRecord<T> record) =>
        Topics.TryGetDeliveryEdge(record.Topic, out var edge) ? edge : throw new ArgumentException($"{record.Topic} is not a delivery topic");

    public string Describe() =>
        $"{Events.Count} chat events ({MessagesSent} MessageSent), " +
        string.Join(", ", ChatScenario.Edges.Select(e => $"{ChatEventDeliveries(e)} event deliveries at {e}")) +
        $", {Outcomes} command outcomes, {Notifications.Count} notifications, {Deliveries.Count} deliveries in all";
}
