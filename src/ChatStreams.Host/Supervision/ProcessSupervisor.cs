using Microsoft.Extensions.Logging;

namespace ChatStreams.Host.Supervision;

/// <summary>Runs every configured component as a supervised child process.</summary>
public sealed class ProcessSupervisor(ILoggerFactory loggers, TimeProvider time, RestartPolicy? policy = null) : IAsyncDisposable
{
    private readonly List<ChildProcess> _children = [];

    public IReadOnlyList<ChildProcess> Children => _children;

    public ChildProcess Start(ChildSpec spec)
    {
        var child = new ChildProcess(spec, loggers.CreateLogger("ChatStreams.Host.Child." + spec.Name), time, policy);
        _children.Add(child);
        child.Start();
        return child;
    }

    public async ValueTask DisposeAsync()
    {
        // Stop in reverse start order: consumers of a component stop before it.
        for (var i = _children.Count - 1; i >= 0; i--) await _children[i].DisposeAsync();
        _children.Clear();
    }
}
