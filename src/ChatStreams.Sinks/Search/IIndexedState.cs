namespace ChatStreams.Sinks.Search;

/// <summary>What <see cref="IndexChanges"/> needs to read from an index before it applies a batch.</summary>
internal interface IIndexedState
{
    /// <summary>Per conversation the last seq whose effects the index holds (missing: nothing applied yet).</summary>
    Task<IReadOnlyDictionary<string, long>> AppliedSeqsAsync(IReadOnlyCollection<string> conversationIds, CancellationToken ct);

    /// <summary>The messages the index holds among these keys (a deleted or never indexed one is missing).</summary>
    Task<IReadOnlyDictionary<MessageKey, IndexedMessage>> MessagesAsync(IReadOnlyCollection<MessageKey> keys, CancellationToken ct);
}
