namespace ChatStreams.Streams.State;

/// <summary>
/// A store's link to its changelog: writes go to the context's changelog writer, stamped with the timestamp of the
/// record being processed, unless logging is disabled on the builder or the runtime gives no writer.
/// </summary>
internal sealed class StoreChangelog(bool loggingEnabled)
{
    private IStateStoreContext? _context;

    public void Bind(IStateStoreContext context) => _context = context;

    /// <summary>The changelog topic when logging is active, else null.</summary>
    public string? Topic => Writer?.Topic;

    public void Log(byte[] key, byte[]? value)
    {
        if (Writer is { } writer) writer.Log(key, value, _context!.CurrentRecordTimestampMs);
    }

    private IChangelogWriter? Writer => loggingEnabled ? _context?.Changelog : null;
}
