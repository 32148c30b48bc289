using ChatStreams.Ctl.Cluster;
using Spectre.Console;

namespace ChatStreams.Ctl.Output;

/// <summary>`chatctl status` for people: topics, consumer groups with lag (per partition where there is any), processing instances, edges.</summary>
public static class StatusTables
{
    public static void Write(ClusterStatus status, TextWriter output)
    {
        var console = PlainConsole.For(output);
        output.WriteLine($"Kafka {status.Bootstrap} at {status.At:yyyy-MM-dd HH:mm:ss}Z");

        output.WriteLine("Topics");
        var topics = PlainConsole.NewTable("topic", "partitions", "configured", "records");
        foreach (var t in status.Topics)
            topics.AddCells(t.Name, t.Partitions, t.ConfiguredPartitions is { } c ? (c == t.Partitions ? c.ToString() : $"{c} (differs)") : null, t.Records);
        console.Write(topics);

        if (status.Generations is { Count: > 0 } generations)
        {
            output.WriteLine("Rescaled topics (chatctl rescale-partitions)");
            var table = PlainConsole.NewTable("topic", "generation", "partitions", "phase", "target");
            foreach (var g in generations)
                table.AddCells(string.Join(", ", new[] { g.Topic }.Concat(g.Companions)), g.Generation, g.Partitions, g.Phase, g.TargetPartitions);
            console.Write(table);
        }

        output.WriteLine("Consumer groups");
        var groups = PlainConsole.NewTable("group", "role", "state", "members", "partitions", "lag");
        foreach (var g in status.Groups) groups.AddCells(g.GroupId, g.Role, g.State, g.Members.Count, g.Lag.Count, g.TotalLag);
        console.Write(groups);

        var lagging = status.Groups.SelectMany(g => g.Lag.Where(l => l.Lag is not 0).Select(l => (g.GroupId, l))).ToList();
        output.WriteLine(lagging.Count == 0 ? "Lag per partition: every committed partition is caught up" : "Lag per partition (partitions behind or never committed)");
        if (lagging.Count > 0)
        {
            var lag = PlainConsole.NewTable("group", "topic", "partition", "committed", "end", "lag");
            foreach (var (group, l) in lagging) lag.AddCells(group, l.Topic, l.Partition, l.Committed, l.End, l.Lag);
            console.Write(lag);
        }

        output.WriteLine("Processing instances");
        var instances = PlainConsole.NewTable("group", "client", "host", "partitions");
        foreach (var g in status.Groups.Where(g => g.Role is "topology" or "sink"))
            foreach (var m in g.Members) instances.AddCells(g.GroupId, m.ClientId, m.Host, m.AssignedPartitions);
        console.Write(instances);

        output.WriteLine("Edges");
        var edges = PlainConsole.NewTable("edge", "online", "connections", "users", "last heartbeat", "delivery topic");
        foreach (var e in status.Edges)
            edges.AddCells(e.EdgeId, e.Online ? "yes" : "no sessions", e.Connections, e.Users, e.LastHeartbeat?.ToString("HH:mm:ss"), e.HasDeliveryTopic ? "yes" : "missing");
        console.Write(edges);
        if (status.EdgesNote is { } note) output.WriteLine(note);
    }
}
