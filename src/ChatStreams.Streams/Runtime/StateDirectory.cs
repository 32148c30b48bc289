using System.Collections.Concurrent;
using System.Diagnostics;
using ChatStreams.Streams.Processor;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Streams.Runtime;

/// <summary>
/// The instance's directory &lt;StateDirectory&gt;/&lt;application id&gt;/: one sub-directory per task for persistent
/// stores, a lock file so two instances never share it, and a process id kept across restarts. The process id
/// makes transactional ids stable per (instance, thread): a restarted instance fences its crashed predecessor's
/// open transactions at once instead of waiting for transaction.timeout.ms.
/// </summary>
internal sealed class StateDirectory : IDisposable
{
    private const string LockFileName = ".lock";
    private const string ProcessIdFileName = "process.id";
    private readonly FileStream _lock;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<TaskId, string> _taskOwners = new();

    public StateDirectory(string root, string applicationId, ILogger logger)
    {
        _logger = logger;
        ApplicationDirectory = Path.Combine(Path.GetFullPath(root), applicationId);
        Directory.CreateDirectory(ApplicationDirectory);
        try
        {
            _lock = new FileStream(Path.Combine(ApplicationDirectory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException(
                $"state directory {ApplicationDirectory} is in use by another instance of '{applicationId}': give each instance its own Streams:StateDirectory", e);
        }
        ProcessId = LoadOrCreateProcessId();
    }

    public string ApplicationDirectory { get; }

    /// <summary>Identifies this instance across restarts (kept in process.id).</summary>
    public Guid ProcessId { get; }

    public string TaskDirectory(TaskId task) => Path.Combine(ApplicationDirectory, task.ToString());

    /// <summary>
    /// Takes a task's directory for one stream thread. A task can move between two threads of this instance in one
    /// rebalance; the new owner must not open (or wipe) the stores while the old owner still closes them. Every
    /// thread releases the tasks it gives up before it takes new ones, so waiting here cannot deadlock.
    /// </summary>
    public void LockTask(TaskId task, string owner, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!_taskOwners.TryAdd(task, owner))
        {
            if (_taskOwners.TryGetValue(task, out var current) && current == owner) return;
            if (watch.Elapsed > timeout)
                throw new TimeoutException($"task {task} is still held by {(_taskOwners.TryGetValue(task, out var holder) ? holder : "another thread")} after {timeout.TotalSeconds:0} s");
            Thread.Sleep(20);
        }
    }

    public void UnlockTask(TaskId task, string owner) => _taskOwners.TryRemove(new KeyValuePair<TaskId, string>(task, owner));

    /// <summary>
    /// Deletes a task's local state (after a dirty close, or when it cannot be trusted): the stores are rebuilt
    /// from their changelogs the next time the task is opened.
    /// </summary>
    public void Wipe(TaskId task)
    {
        var dir = TaskDirectory(task);
        if (!Directory.Exists(dir)) return;
        try
        {
            Directory.Delete(dir, recursive: true);
            _logger.LogInformation("wiped local state of task {Task} ({Directory}); it will be restored from the changelogs", task, dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Leaving suspect state behind would be silent corruption: refuse to continue instead.
            throw new InvalidOperationException($"cannot delete the local state of task {task} at {dir}: {e.Message}", e);
        }
    }

    private Guid LoadOrCreateProcessId()
    {
        var file = Path.Combine(ApplicationDirectory, ProcessIdFileName);
        if (File.Exists(file) && Guid.TryParse(File.ReadAllText(file).Trim(), out var existing)) return existing;
        var id = Guid.NewGuid();
        var temp = file + ".tmp";
        File.WriteAllText(temp, id.ToString());
        File.Move(temp, file, overwrite: true);
        return id;
    }

    public void Dispose() => _lock.Dispose();
}
