namespace ChatStreams.Streams.Processor;

/// <summary>
/// A task: one sub-topology (a connected part of the topology between topics) and one partition number of its
/// co-partitioned input topics. Written "subtopology_partition" as Kafka Streams does (e.g. "0_3").
/// </summary>
public readonly record struct TaskId(int Subtopology, int Partition)
{
    public override string ToString() => $"{Subtopology}_{Partition}";

    public static TaskId Parse(string text)
    {
        var parts = text.Split('_');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var s) || !int.TryParse(parts[1], out var p))
            throw new FormatException($"'{text}' is not a task id like '0_3'");
        return new TaskId(s, p);
    }
}
