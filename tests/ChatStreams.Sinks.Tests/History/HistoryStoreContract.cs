using ChatStreams.TestSupport;
using ChatStreams.Sinks.History;
using ChatStreams.Sinks.Tests.Support;
using chatstreams.v1;

namespace ChatStreams.Sinks.Tests.History;

/// <summary>
/// The behaviour every history store has (SQLite now, MongoDB later): idempotent batches keyed by (conversation,
/// seq), visibility by membership ranges, tombstones, reactions, read state and the conversation list.
/// </summary>
public abstract class HistoryStoreContract
{
    /// <summary>A new, empty store.</summary>
    protected abstract Task<IHistoryStore> CreateStoreAsync();

    private static readonly string[] Everyone = ["alice", "bob", "carol", "dave"];

    [ContractFact]
    public async Task Applying_the_same_batch_again_changes_nothing()
    {
        var store = await CreateStoreAsync();
        var story = ChatEvents.Story();
        await store.ApplyAsync(story, [ChatEvents.Receipt("c1", "carol", 9, 6)], default);
        var before = await HistorySnapshot.TakeAsync(store, "c1", Everyone);

        await store.ApplyAsync(story, [ChatEvents.Receipt("c1", "carol", 9, 6)], default);
        // A redelivered tail after a crash: the reaction removed at seq 7 must not come back by replaying seq 5.
        await store.ApplyAsync(story[4..7], [], default);
        await store.ApplyAsync([story[4]], [], default);

        Assert.Equal(before, await HistorySnapshot.TakeAsync(store, "c1", Everyone));
        Assert.Equal(12, await store.HeadAsync("c1", default));
    }

    [ContractFact]
    public async Task The_order_of_events_within_a_batch_does_not_matter()
    {
        var ordered = await CreateStoreAsync();
        await ordered.ApplyAsync(ChatEvents.Story(), [], default);
        var shuffled = await CreateStoreAsync();
        var events = ChatEvents.Story();
        await shuffled.ApplyAsync(events.OrderBy(e => e.EventId, StringComparer.Ordinal).Reverse().ToList(), [], default);

        Assert.Equal(await HistorySnapshot.TakeAsync(ordered, "c1", Everyone), await HistorySnapshot.TakeAsync(shuffled, "c1", Everyone));
    }

    [ContractFact]
    public async Task Batches_split_anywhere_give_the_same_history_as_one_batch()
    {
        var whole = await CreateStoreAsync();
        await whole.ApplyAsync(ChatEvents.Story(), [], default);
        var pieces = await CreateStoreAsync();
        foreach (var chunk in ChatEvents.Story().Chunk(3)) await pieces.ApplyAsync(chunk, [], default);

        Assert.Equal(await HistorySnapshot.TakeAsync(whole, "c1", Everyone), await HistorySnapshot.TakeAsync(pieces, "c1", Everyone));
    }

    [ContractFact]
    public async Task Members_read_only_the_seqs_from_their_join_to_their_leave()
    {
        var store = await CreateStoreAsync();
        var c = new ChatEvents("c1");
        await store.ApplyAsync(
        [
            c.Created("alice", ["alice", "bob"]), c.Sent("alice", "one"), c.Added("alice", "carol"), c.Sent("bob", "two"),
            c.Removed("alice", "bob"), c.Sent("alice", "three"), c.Added("alice", "bob"), c.Sent("carol", "four"),
        ], [], default);

        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 7, 8 }, await SeqsAsync(store, "bob"));
        Assert.Equal(new long[] { 3, 4, 5, 6, 7, 8 }, await SeqsAsync(store, "carol"));
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6, 7, 8 }, await SeqsAsync(store, "alice"));
        Assert.Empty(await SeqsAsync(store, "dave"));

        Assert.True(await store.IsMemberAsync("c1", "bob", default));
        Assert.False(await store.IsMemberAsync("c1", "dave", default));
        Assert.False(await store.HasAccessAsync("c1", "dave", default));
        Assert.Equal(["alice", "bob", "carol"], await store.MembersOfAsync("c1", default));
        Assert.Null(await store.ConversationAsync("c1", "dave", default));
        Assert.Empty(await store.ConversationsOfAsync("dave", default));
    }

    [ContractFact]
    public async Task Readable_ranges_list_every_join_to_its_leave_across_conversations()
    {
        var store = await CreateStoreAsync();
        var c = new ChatEvents("c1");
        var d = new ChatEvents("c2");
        await store.ApplyAsync(
        [
            c.Created("alice", ["alice", "bob"]), c.Sent("alice", "one"), c.Removed("alice", "bob"), c.Sent("alice", "two"),
            c.Added("alice", "bob"), d.Created("carol", ["carol", "bob"]),
        ], [], default);

        Assert.Equal(
            [new ReadableRange("c1", 1, 3), new ReadableRange("c1", 5, long.MaxValue), new ReadableRange("c2", 1, long.MaxValue)],
            await store.ReadableRangesAsync("bob", default));
        Assert.Equal([new ReadableRange("c1", 1, long.MaxValue)], await store.ReadableRangesAsync("alice", default));
        Assert.Empty(await store.ReadableRangesAsync("dave", default));
    }

    [ContractFact]
    public async Task A_removed_member_keeps_reading_up_to_their_removal_but_no_longer_lists_the_conversation()
    {
        var store = await CreateStoreAsync();
        await store.ApplyAsync(ChatEvents.Story(), [], default);

        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 }, await SeqsAsync(store, "bob"));
        Assert.False(await store.IsMemberAsync("c1", "bob", default));
        Assert.True(await store.HasAccessAsync("c1", "bob", default));
        Assert.Empty(await store.ConversationsOfAsync("bob", default));
        var seen = await store.ConversationAsync("c1", "bob", default);
        Assert.NotNull(seen);
        Assert.False(seen.IsMember);
        Assert.Equal(9, seen.LastMessage!.Event.Seq); // seq 12 came after bob left
        Assert.Empty(await store.ContactsOfAsync("bob", default));
        Assert.Equal(["carol"], await store.ContactsOfAsync("alice", default));
    }

    [ContractFact]
    public async Task Events_page_forwards_and_backwards_within_the_bounds()
    {
        var store = await CreateStoreAsync();
        await store.ApplyAsync(ChatEvents.Story(), [], default);

        Assert.Equal(new long[] { 3, 4, 5 }, (await store.EventsAsync("c1", "alice", 2, 9, 3, false, default)).Select(i => i.Event.Seq));
        Assert.Equal(new long[] { 8, 7, 6 }, (await store.EventsAsync("c1", "alice", 2, 9, 3, true, default)).Select(i => i.Event.Seq));
        Assert.Equal(new long[] { 12 }, (await store.EventsAsync("c1", "alice", 11, long.MaxValue, 10, false, default)).Select(i => i.Event.Seq));
        Assert.Empty(await store.EventsAsync("c1", "alice", 5, 6, 10, false, default));
        Assert.Empty(await store.EventsAsync("c1", "alice", 0, 100, 0, false, default));
        Assert.Empty(await store.EventsAsync("unknown", "alice", 0, 100, 10, false, default));
    }

    [ContractFact]
    public async Task A_deleted_message_is_a_tombstone_whose_text_and_edits_are_gone()
    {
        var store = await CreateStoreAsync();
        var c = new ChatEvents("c1");
        await store.ApplyAsync([c.Created("alice", ["alice", "bob"]), c.Sent("alice", "my password is hunter2"), c.Edited("alice", 2, "my pin is 1234")], [], default);
        await store.ApplyAsync([c.Deleted("alice", 2), c.Edited("alice", 2, "edit after delete")], [], default);

        var items = await store.EventsAsync("c1", "bob", 0, long.MaxValue, 10, false, default);
        Assert.Equal(
        [
            "1 alice create alice,bob",
            "2 alice sent '' attachments 0 => '' edited True deleted True reactions ",
            "3 alice edit 2 ''",
            "4 alice delete 2",
            "5 alice edit 2 ''",
        ], items.Select(HistorySnapshot.Describe));
    }

    [ContractFact]
    public async Task Reactions_are_added_and_removed_per_user_and_emoji()
    {
        var store = await CreateStoreAsync();
        var c = new ChatEvents("c1");
        await store.ApplyAsync(
        [
            c.Created("alice", ["alice", "bob", "carol"]), c.Sent("alice", "lunch?"),
            c.Reacted("carol", 2, "🍕"), c.Reacted("bob", 2, "👍"), c.Reacted("alice", 2, "👍"), c.Reacted("bob", 2, "🍕"),
            c.Reacted("bob", 2, "👍", ReactionAction.Remove), c.Reacted("bob", 2, "👍", ReactionAction.Remove),
            c.Reacted("carol", 2, "👍"), c.Reacted("carol", 2, "👍"),
        ], [], default);

        var message = (await store.EventsAsync("c1", "bob", 1, 3, 1, false, default)).Single().Message!;
        Assert.Equal(["🍕", "👍"], message.Reactions.Keys.Order(StringComparer.Ordinal)); // ordinal (UTF-16) order
        Assert.Equal(["alice", "carol"], message.Reactions["👍"]);
        Assert.Equal(["bob", "carol"], message.Reactions["🍕"]);
    }

    [ContractFact]
    public async Task The_conversation_list_shows_last_message_read_state_and_unread_per_user()
    {
        var store = await CreateStoreAsync();
        var team = new ChatEvents("team");
        var direct = new ChatEvents("direct");
        await store.ApplyAsync(
        [
            team.Created("alice", ["alice", "bob"], title: "team"), team.Sent("alice", "a1"), team.Sent("alice", "a2"), team.Sent("alice", "a3"),
            team.Sent("bob", "b1"), team.Sent("alice", "a4"), team.Deleted("alice", 6),
        ], [ChatEvents.Receipt("team", "bob", 5, 3)], default);
        await store.ApplyAsync([direct.Created("bob", ["bob", "carol"], ConversationKind.Direct, title: null), direct.Sent("carol", "yo")],
            // A lower mark never lowers the read state.
            [ChatEvents.Receipt("team", "bob", 4, 2)], default);

        var bobs = await store.ConversationsOfAsync("bob", default);
        Assert.Equal(["team", "direct"], bobs.Select(s => s.ConversationId)); // most recent activity first: team at +7 s, direct at +2 s
        var teamOfBob = bobs.Single(s => s.ConversationId == "team");
        Assert.Equal(("group", "team", 7L, 5L, 3L), (teamOfBob.Kind, teamOfBob.Title, teamOfBob.LastSeq, teamOfBob.DeliveredSeq, teamOfBob.ReadSeq));
        Assert.Equal(1, teamOfBob.Unread); // a3; b1 is bob's own, a4 is deleted
        Assert.Equal("6 alice sent '' attachments 0 => '' edited False deleted True reactions ", HistorySnapshot.Describe(teamOfBob.LastMessage!));
        Assert.Equal([new ConversationMember("alice", "admin"), new ConversationMember("bob", "member")], teamOfBob.Members);
        Assert.Equal(ChatEvents.Start.AddSeconds(1), teamOfBob.CreatedAt);
        Assert.Equal(ChatEvents.Start.AddSeconds(7), teamOfBob.LastActivity);

        var directOfBob = bobs.Single(s => s.ConversationId == "direct");
        Assert.Equal(("direct", (string?)null, 1L, 0L), (directOfBob.Kind, directOfBob.Title, directOfBob.Unread, directOfBob.ReadSeq));

        var teamOfAlice = (await store.ConversationsOfAsync("alice", default)).Single();
        Assert.Equal(1, teamOfAlice.Unread); // b1
        Assert.Equal(["alice", "carol"], await store.ContactsOfAsync("bob", default));
    }

    [ContractFact]
    public async Task A_receipt_that_arrives_before_its_conversation_is_kept()
    {
        var store = await CreateStoreAsync();
        await store.ApplyAsync([], [ChatEvents.Receipt("c1", "bob", 2, 2)], default);
        var c = new ChatEvents("c1");
        await store.ApplyAsync([c.Created("alice", ["alice", "bob"]), c.Sent("alice", "x"), c.Sent("alice", "y")], [], default);

        var summary = (await store.ConversationAsync("c1", "bob", default))!;
        Assert.Equal((2L, 2L, 1L), (summary.DeliveredSeq, summary.ReadSeq, summary.Unread));
    }

    [ContractFact]
    public async Task Rejections_and_dedup_notices_take_no_place_in_history()
    {
        var store = await CreateStoreAsync();
        var c = new ChatEvents("c1");
        var created = c.Created("alice", ["alice"]);
        await store.ApplyAsync([created, c.Rejected("bob"), c.Sent("alice", "x")], [], default);

        Assert.Equal(2, await store.HeadAsync("c1", default));
        Assert.Equal(["1 alice create alice", "2 alice sent 'x' attachments 1 => 'x' edited False deleted False reactions "],
            (await store.EventsAsync("c1", "alice", 0, 10, 10, false, default)).Select(HistorySnapshot.Describe));
        Assert.Equal(created.EventId, (await store.EventsAsync("c1", "alice", 0, 2, 1, false, default)).Single().Event.EventId);
    }

    private static async Task<long[]> SeqsAsync(IHistoryReader store, string user) =>
        [.. (await store.EventsAsync("c1", user, 0, long.MaxValue, 100, false, default)).Select(i => i.Event.Seq)];
}
