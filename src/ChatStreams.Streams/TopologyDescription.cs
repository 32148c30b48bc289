using System.Text;

namespace ChatStreams.Streams;

/// <summary>A printable view of a topology in Kafka Streams' Describe() format.</summary>
public sealed class TopologyDescription
{
    private readonly string _text;

    private TopologyDescription(string text, int subtopologies)
    {
        _text = text;
        SubtopologyCount = subtopologies;
    }

    public int SubtopologyCount { get; }

    internal static TopologyDescription From(Topology topology)
    {
        var sb = new StringBuilder("Topologies:\n");
        var subs = topology.Subtopologies();
        foreach (var sub in subs)
        {
            sb.Append($"   Sub-topology: {sub.Id}\n");
            foreach (var node in sub.Nodes)
            {
                var line = node switch
                {
                    SourceDefinition s => $"    Source: {s.Name} (topics: [{string.Join(", ", s.Topics.Select(Show))}])",
                    SinkDefinition k => $"    Sink: {k.Name} (topic: {(k.FixedTopic is null ? "<chosen per record>" : Show(k.FixedTopic))})",
                    ProcessorDefinition p => $"    Processor: {p.Name} (stores: [{string.Join(", ", p.StoreNames)}])",
                    _ => $"    Node: {node.Name}",
                };
                sb.Append(line).Append('\n');
                sb.Append($"      --> {(node.Children.Count == 0 ? "none" : string.Join(", ", node.Children))}\n");
                sb.Append($"      <-- {(node.Parents.Count == 0 ? "none" : string.Join(", ", node.Parents))}\n");
            }
            sb.Append('\n');
        }
        return new TopologyDescription(sb.ToString(), subs.Count);
    }

    private static string Show(string topic) =>
        topic.StartsWith(InternalTopicDefinition.Prefix, StringComparison.Ordinal) ? $"<app>-{topic[InternalTopicDefinition.Prefix.Length..]}" : topic;

    public override string ToString() => _text;
}
