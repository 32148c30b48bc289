namespace ChatStreams.Identity;

/// <summary>
/// Runs a user directory's setup (schema, index) once per instance, however many requests arrive before it is done:
/// they wait for the one caller doing it. A setup that fails or is cancelled is not remembered, so the next request
/// tries again (Lazy&lt;Task&gt; would keep replaying the failure, e.g. after a database outage at start-up).
/// </summary>
internal sealed class OneTimeSetup(Func<CancellationToken, Task> setup) : IDisposable
{
    private readonly SemaphoreSlim _running = new(1, 1);
    private volatile bool _done;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_done)
        {
            return;
        }

        await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_done)
            {
                await setup(cancellationToken).ConfigureAwait(false);
                _done = true;
            }
        }
        finally
        {
            _running.Release();
        }
    }

    public void Dispose() => _running.Dispose();
}
