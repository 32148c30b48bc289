namespace ChatStreams.Media.Catalog;

/// <summary>
/// Runs a catalog's setup once per instance however many calls arrive first; a failed setup is not remembered, so the
/// next call tries again (the database may just have been unavailable).
/// </summary>
internal sealed class CatalogSetup(Func<CancellationToken, Task> setup)
{
    private readonly SemaphoreSlim _running = new(1, 1);
    private volatile bool _done;

    public async Task RunAsync(CancellationToken ct)
    {
        if (_done) return;
        await _running.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!_done)
            {
                await setup(ct).ConfigureAwait(false);
                _done = true;
            }
        }
        finally { _running.Release(); }
    }
}
