using ChatStreams.Streams.Processor;
using ChatStreams.Streams.State;

namespace ChatStreams.Streams.Runtime;

/// <summary>What a store of a task learns when it opens: where to keep files, the clocks and its changelog.</summary>
internal sealed class StreamTaskStoreContext(StreamTaskContext task, string stateDirectory, IChangelogWriter? changelog) : IStateStoreContext
{
    public string ApplicationId => task.ApplicationId;
    public TaskId TaskId => task.TaskId;
    public string StateDirectory { get; } = stateDirectory;
    public long CurrentSystemTimeMs => task.WallClockMs;

    // Outside processing (e.g. a test writing to a store directly) there is no record: use the wall clock.
    public long CurrentRecordTimestampMs => task.CurrentRecordTimestamp >= 0 ? task.CurrentRecordTimestamp : task.WallClockMs;

    public IChangelogWriter? Changelog { get; } = changelog;
}
