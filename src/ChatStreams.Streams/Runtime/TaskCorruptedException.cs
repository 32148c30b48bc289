using ChatStreams.Streams.Processor;

namespace ChatStreams.Streams.Runtime;

/// <summary>
/// The local state of some tasks cannot be trusted (Kafka Streams' TaskCorruptedException): the thread closes them
/// dirty, wipes their state directories and restores them from the changelogs from the beginning.
/// </summary>
internal sealed class TaskCorruptedException(IReadOnlyCollection<TaskId> tasks, string reason)
    : Exception($"local state of task(s) {string.Join(", ", tasks)} is corrupted: {reason}")
{
    public IReadOnlyCollection<TaskId> Tasks { get; } = tasks;
}
