using ChatStreams.Streams.Processor;
using ChatStreams.Streams.State;

namespace ChatStreams.Streams.Tests.State;

/// <summary>Captures what a store sends to its changelog.</summary>
internal sealed class RecordingChangelog(string topic) : IChangelogWriter
{
    public string Topic { get; } = topic;
    public List<(byte[] Key, byte[]? Value, long Timestamp)> Records { get; } = [];

    public void Log(ReadOnlySpan<byte> key, byte[]? value, long timestamp) => Records.Add((key.ToArray(), value, timestamp));

    /// <summary>The records as changelog input for a restore.</summary>
    public List<(byte[] Key, byte[]? Value, long Timestamp)> AsRestoreBatch() => [.. Records];
}

/// <summary>A task context for one store test: its own temporary state directory, deleted on dispose.</summary>
internal sealed class TestStoreContext : IStateStoreContext, IDisposable
{
    private readonly bool _ownsDirectory;

    public TestStoreContext(bool withChangelog = true, string changelogTopic = "app-store-changelog", string? stateDirectory = null)
    {
        _ownsDirectory = stateDirectory is null;
        StateDirectory = stateDirectory ?? Path.Combine(Path.GetTempPath(), "chatstreams-state-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(StateDirectory);
        Recorded = withChangelog ? new RecordingChangelog(changelogTopic) : null;
    }

    public string ApplicationId => "app";
    public TaskId TaskId => new(0, 0);
    public string StateDirectory { get; }
    public long CurrentSystemTimeMs { get; set; } = 1_000_000;
    public long CurrentRecordTimestampMs { get; set; } = 500;
    public RecordingChangelog? Recorded { get; }
    public IChangelogWriter? Changelog => Recorded;

    /// <summary>Another context on the same state directory, as a restarted task would get.</summary>
    public TestStoreContext Reopened(bool withChangelog = true) => new(withChangelog, Recorded?.Topic ?? "app-store-changelog", StateDirectory);

    public void Dispose()
    {
        if (_ownsDirectory && Directory.Exists(StateDirectory)) Directory.Delete(StateDirectory, recursive: true);
    }
}
