using System.Runtime.InteropServices;

namespace ChatStreams.Host;

/// <summary>
/// Turns SIGINT (Ctrl+C), SIGTERM (docker stop, Kubernetes, the supervisor) and SIGQUIT into one cancellation,
/// so every command shuts down cleanly and exits 0 instead of being torn down by the default signal action.
/// </summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration[] _registrations;

    public ShutdownSignal()
    {
        _registrations = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT }
            .Select(signal => PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true; // we stop ourselves, in order
                _cts.Cancel();
            }))];
    }

    public CancellationToken Token => _cts.Token;

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _cts.Dispose();
    }
}
