using chatstreams.v1;

namespace ChatStreams.Sinks.History;

/// <summary>
/// The write side the history sink drives. A batch is applied atomically and idempotently: events are keyed by
/// (conversation, seq), and an event already stored has no effect again (its edit, deletion, reaction or membership
/// change is not re-applied), so a batch replayed after a crash changes nothing. Within a batch the order of events
/// does not matter (each conversation's events are applied in seq order); across batches a conversation's events
/// are expected in seq order, as chat.events delivers them. An edit, deletion or reaction whose target message is
/// not stored is kept as an event without effect. Receipt updates only ever raise a member's marks.
/// </summary>
public interface IHistoryWriter
{
    Task ApplyAsync(IReadOnlyList<ChatEvent> events, IReadOnlyList<ReceiptUpdate> receipts, CancellationToken ct);
}

/// <summary>
/// What edges read: every answer is limited to what the asking user may read, i.e. the seqs from each of their joins
/// to the matching leave (both included: a removed member sees their own removal).
/// </summary>
public interface IHistoryReader
{
    /// <summary>Last seq stored for the conversation (0 when unknown).</summary>
    Task<long> HeadAsync(string conversationId, CancellationToken ct);

    Task<bool> IsMemberAsync(string conversationId, string userId, CancellationToken ct);

    /// <summary>True when the user is or was a member (may read some of its events).</summary>
    Task<bool> HasAccessAsync(string conversationId, string userId, CancellationToken ct);

    /// <summary>Current members, in ordinal order of their ids.</summary>
    Task<IReadOnlyList<string>> MembersOfAsync(string conversationId, CancellationToken ct);

    /// <summary>Events the user may read with afterSeq &lt; seq &lt; beforeSeq, oldest first (newest first when <paramref name="newestFirst"/>), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<HistoryItem>> EventsAsync(string conversationId, string userId, long afterSeq, long beforeSeq, int limit, bool newestFirst, CancellationToken ct);

    /// <summary>The conversations the user is a member of now, most recently active first (then by id).</summary>
    Task<IReadOnlyList<ConversationSummary>> ConversationsOfAsync(string userId, CancellationToken ct);

    /// <summary>The conversation as the user sees it; null when the user never was a member.</summary>
    Task<ConversationSummary?> ConversationAsync(string conversationId, string userId, CancellationToken ct);

    /// <summary>Users sharing at least one conversation with the user now, in ordinal order.</summary>
    Task<IReadOnlyList<string>> ContactsOfAsync(string userId, CancellationToken ct);

    /// <summary>
    /// Every seq range the user may read, over all conversations they are or were in (one range per join; a current
    /// membership runs to <see cref="long.MaxValue"/>), ordered by conversation and start. Search filters by these.
    /// </summary>
    Task<IReadOnlyList<ReadableRange>> ReadableRangesAsync(string userId, CancellationToken ct);
}

/// <summary>The history a sink writes and edges read: SQLite on one machine, MongoDB in a cluster.</summary>
public interface IHistoryStore : IHistoryWriter, IHistoryReader
{
    /// <summary>Creates the schema (tables, indexes) if missing; safe to run from several processes.</summary>
    Task InitializeAsync(CancellationToken ct);
}
