using ChatStreams.Streams.Runtime;
using ChatStreams.Streams.Tests.Runtime.Support;
using Confluent.Kafka;

namespace ChatStreams.Streams.Tests.Runtime;

public sealed class TaskCheckpointTests
{
    [Fact]
    public void Offsets_written_are_read_back()
    {
        using var dir = new TempDirectory();
        var offsets = new Dictionary<TopicPartition, long> { [new("app-a-changelog", 3)] = 42, [new("app-b-changelog", 3)] = 0 };

        TaskCheckpoint.Write(dir.Path, offsets);

        Assert.True(TaskCheckpoint.Exists(dir.Path));
        Assert.Equal(offsets, TaskCheckpoint.Read(dir.Path));
        TaskCheckpoint.Delete(dir.Path);
        Assert.False(TaskCheckpoint.Exists(dir.Path));
        Assert.Empty(TaskCheckpoint.Read(dir.Path));
    }

    [Fact]
    public void A_damaged_file_counts_as_no_offsets()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(TaskCheckpoint.PathIn(dir.Path), "app-a-changelog 3 42\napp-b-changelog three 7\n");
        Assert.Empty(TaskCheckpoint.Read(dir.Path));
    }
}
