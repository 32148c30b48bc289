using ChatStreams.Contracts;

namespace ChatStreams.Topologies.Tests.Support;

/// <summary>Topic settings matching a TopologyTestDriver's partition count (repartition topics read with chat.sessions follow it).</summary>
public static class DriverTopics
{
    public static TopicSettings For(int partitions)
    {
        var topics = new TopicSettings();
        foreach (var options in new[] { topics.Commands, topics.Events, topics.Receipts, topics.Sessions, topics.Presence, topics.Notifications, topics.Delivery })
            options.Partitions = partitions;
        return topics;
    }
}
