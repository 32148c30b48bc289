using ChatStreams.Edge.History;
using ChatStreams.Sinks.History;
using ChatStreams.Edge.Tests.Support;
using chatstreams.v1;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Edge.Tests.History;

public sealed class EventLogHistoryTests
{
    private readonly EventLogHistory _history = new(NullLogger<EventLogHistory>.Instance);

    private void Apply(IEnumerable<ChatEvent> events)
    {
        foreach (var e in events) _history.Apply(e);
    }

    private List<long> Readable(string conversationId, string userId) =>
        _history.Events(conversationId, userId, 0, long.MaxValue, 1000).Select(i => i.Event.Seq).ToList();

    private static ReceiptUpdate Receipt(string conversationId, string userId, long delivered, long read) => new()
    {
        ConversationId = conversationId, UserId = userId, DeliveredSeq = delivered, ReadSeq = read, At = ConversationLog.Epoch,
    };

    /// <summary>1 created (alice admin, bob), 2-4 messages, 5 carol added, 6-7 messages, 8 carol removed, 9 message, 10 carol re-added, 11 message.</summary>
    private ConversationLog CarolComesAndGoes()
    {
        var log = new ConversationLog("g1");
        log.Created("alice", ["bob"], title: "Team");
        log.Sent("alice", "one");
        log.Sent("bob", "two");
        log.Sent("alice", "three");
        log.Added("alice", "carol");
        log.Sent("carol", "six");
        log.Sent("bob", "seven");
        log.Removed("alice", "carol");
        log.Sent("alice", "nine");
        log.Added("alice", "carol", MemberRole.Admin);
        log.Sent("bob", "eleven");
        Apply(log.Events);
        return log;
    }

    [Fact]
    public void A_created_conversation_has_its_members_roles_kind_and_title()
    {
        var log = new ConversationLog("g1");
        _history.Apply(log.Created("alice", ["bob", "carol"], title: "Team"));

        var summary = _history.Conversation("g1", "bob")!;
        Assert.Equal(("g1", "group", "Team", 1L), (summary.ConversationId, summary.Kind, summary.Title, summary.LastSeq));
        Assert.Equal([new("alice", "admin"), new("bob", "member"), new("carol", "member")], summary.Members);
        Assert.True(summary.IsMember);
        Assert.Equal(log.TimeOf(1), summary.CreatedAt);
        Assert.Equal(["alice", "bob", "carol"], _history.MembersOf("g1").Order());
        Assert.True(_history.IsMember("g1", "carol"));
        Assert.False(_history.IsMember("g1", "dave"));
        Assert.Null(_history.Conversation("g1", "dave"));
        Assert.Equal(1, _history.Head("g1"));
    }

    [Fact]
    public void A_direct_conversation_has_no_title_and_no_admins()
    {
        _history.Apply(new ConversationLog("d1").Created("alice", ["bob"], ConversationKind.Direct));
        var summary = _history.Conversation("d1", "alice")!;
        Assert.Equal(("direct", (string?)null), (summary.Kind, summary.Title));
        Assert.Equal([new("alice", "member"), new("bob", "member")], summary.Members);
    }

    [Fact]
    public void Edits_deletions_and_reactions_change_how_a_message_reads()
    {
        var log = new ConversationLog("g1");
        log.Created("alice", ["bob", "carol"]);
        log.Sent("alice", "helo");          // 2
        log.Sent("bob", "bye");             // 3
        log.Edited("alice", 2, "hello");    // 4
        log.Reacted("bob", 2, "👍");        // 5
        log.Reacted("carol", 2, "👍");      // 6
        log.Reacted("carol", 2, "🎉");      // 7
        log.Reacted("bob", 2, "👍", remove: true); // 8
        log.Reacted("carol", 2, "🎉", remove: true); // 9
        log.Deleted("bob", 3);              // 10
        Apply(log.Events);

        var items = _history.Events("g1", "alice", 0, long.MaxValue, 100);
        Assert.Equal(Enumerable.Range(1, 10).Select(s => (long)s), items.Select(i => i.Event.Seq));
        var hello = items[1].Message!;
        Assert.Equal(("hello", true, false), (hello.Body, hello.Edited, hello.Deleted));
        Assert.Equal(["👍"], hello.Reactions.Keys);
        Assert.Equal(["carol"], hello.Reactions["👍"]);
        var bye = items[2].Message!;
        Assert.Equal(("", false, true), (bye.Body, bye.Edited, bye.Deleted));
        // Only messages have a message view; the events that change them keep their own payload.
        Assert.All(items.Where(i => i.Event.Payload is not MessageSent), i => Assert.Null(i.Message));
        Assert.Equal("helo", ((MessageSent)items[1].Event.Payload).Body);
    }

    [Fact]
    public void Changes_to_an_unknown_target_are_positions_without_effect()
    {
        var log = new ConversationLog("g1");
        log.Created("alice", ["bob"]);
        log.Edited("alice", 1, "not a message");
        log.Reacted("bob", 99, "👍");
        log.Deleted("alice", 1);
        Apply(log.Events);
        Assert.Equal(4, _history.Head("g1"));
        Assert.All(_history.Events("g1", "bob", 0, long.MaxValue, 10), i => Assert.Null(i.Message));
    }

    [Fact]
    public void A_member_added_later_reads_from_their_addition_on()
    {
        CarolComesAndGoes();
        Assert.DoesNotContain(4L, Readable("g1", "carol"));
        Assert.Equal([5L, 6, 7, 8], Readable("g1", "carol").Take(4));
        Assert.Equal(Enumerable.Range(1, 11).Select(s => (long)s), Readable("g1", "bob"));
    }

    [Fact]
    public void A_removed_member_reads_up_to_and_including_their_removal()
    {
        var log = new ConversationLog("g1");
        log.Created("alice", ["bob", "carol"]);
        log.Sent("alice", "one");
        log.Removed("alice", "carol");
        log.Sent("alice", "after");
        Apply(log.Events);

        Assert.Equal([1L, 2, 3], Readable("g1", "carol"));
        Assert.False(_history.IsMember("g1", "carol"));
        Assert.True(_history.HasAccess("g1", "carol"));
        Assert.DoesNotContain("carol", _history.MembersOf("g1"));
        var summary = _history.Conversation("g1", "carol")!;
        Assert.False(summary.IsMember);
        Assert.DoesNotContain(summary.Members, m => m.UserId == "carol");
        Assert.Equal("one", summary.LastMessage!.Message!.Body); // not "after", which carol may not read
        Assert.Empty(_history.ConversationsOf("carol"));
    }

    [Fact]
    public void A_member_added_again_reads_both_stays_but_not_the_time_between()
    {
        CarolComesAndGoes();
        Assert.Equal([5L, 6, 7, 8, 10, 11], Readable("g1", "carol"));
        Assert.True(_history.IsMember("g1", "carol"));
        Assert.Contains(new ConversationMember("carol", "admin"), _history.Conversation("g1", "carol")!.Members);
    }

    [Fact]
    public void Someone_who_never_was_a_member_reads_nothing()
    {
        CarolComesAndGoes();
        Assert.Empty(Readable("g1", "mallory"));
        Assert.False(_history.HasAccess("g1", "mallory"));
        Assert.Empty(_history.Events("nowhere", "alice", 0, long.MaxValue, 10));
        Assert.False(_history.HasAccess("nowhere", "alice"));
    }

    [Fact]
    public void Events_pages_oldest_first_after_a_seq_and_newest_first_before_one()
    {
        CarolComesAndGoes();
        Assert.Equal([4L, 5, 6], _history.Events("g1", "bob", 3, long.MaxValue, 3).Select(i => i.Event.Seq));
        Assert.Equal([10L, 9, 8], _history.Events("g1", "bob", 0, 11, 3, newestFirst: true).Select(i => i.Event.Seq));
        Assert.Equal([11L, 10], _history.Events("g1", "bob", 0, long.MaxValue, 2, newestFirst: true).Select(i => i.Event.Seq));
        // Both bounds are exclusive.
        Assert.Equal([5L, 6], _history.Events("g1", "bob", 4, 7, 10).Select(i => i.Event.Seq));
        Assert.Equal([6L, 5], _history.Events("g1", "bob", 4, 7, 10, newestFirst: true).Select(i => i.Event.Seq));
        Assert.Empty(_history.Events("g1", "bob", 5, 6, 10));
        Assert.Empty(_history.Events("g1", "bob", 11, long.MaxValue, 10));
        Assert.Empty(_history.Events("g1", "bob", 0, long.MaxValue, 0));
        // The limit counts events the user may read; the gap in carol's visibility is skipped, not counted.
        Assert.Equal([8L, 10, 11], _history.Events("g1", "carol", 7, long.MaxValue, 3).Select(i => i.Event.Seq));
        Assert.Equal([10L, 8, 7], _history.Events("g1", "carol", 0, 11, 3, newestFirst: true).Select(i => i.Event.Seq));
    }

    [Fact]
    public void Head_is_the_last_folded_seq()
    {
        Assert.Equal(0, _history.Head("g1"));
        CarolComesAndGoes();
        Assert.Equal(11, _history.Head("g1"));
    }

    [Fact]
    public async Task WaitForSeqAsync_completes_when_the_seq_is_folded()
    {
        var log = new ConversationLog("g1");
        _history.Apply(log.Created("alice", ["bob"]));
        Assert.True(await _history.WaitForSeqAsync("g1", 1, TimeSpan.FromSeconds(30), CancellationToken.None));

        var waiting = _history.WaitForSeqAsync("g1", 3, TimeSpan.FromSeconds(30), CancellationToken.None);
        _history.Apply(log.Sent("alice", "two"));
        Assert.False(waiting.IsCompleted);
        _history.Apply(log.Sent("alice", "three"));
        Assert.True(await waiting);
    }

    [Fact]
    public async Task WaitForSeqAsync_waits_for_a_conversation_not_created_yet()
    {
        var log = new ConversationLog("g1");
        var waiting = _history.WaitForSeqAsync("g1", 2, TimeSpan.FromSeconds(30), CancellationToken.None);
        _history.Apply(log.Created("alice", ["bob"]));
        _history.Apply(log.Sent("alice", "two"));
        Assert.True(await waiting);
    }

    [Fact]
    public async Task WaitForSeqAsync_is_false_when_the_seq_does_not_come_in_time()
    {
        var log = new ConversationLog("g1");
        _history.Apply(log.Created("alice", ["bob"]));
        Assert.False(await _history.WaitForSeqAsync("g1", 2, TimeSpan.FromMilliseconds(50), CancellationToken.None));
        // The expired waiter is gone; a later wait still works.
        var again = _history.WaitForSeqAsync("g1", 2, TimeSpan.FromSeconds(30), CancellationToken.None);
        _history.Apply(log.Sent("alice", "two"));
        Assert.True(await again);
    }

    [Fact]
    public async Task WaitForSeqAsync_honours_cancellation()
    {
        using var cancel = new CancellationTokenSource();
        var waiting = _history.WaitForSeqAsync("g1", 2, TimeSpan.FromSeconds(30), cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task A_decision_watch_completes_with_a_rejection()
    {
        var log = new ConversationLog("g1");
        _history.Apply(log.Created("alice", ["bob"]));
        using var watch = _history.WatchDecision("cmd-x");
        var rejection = log.Rejected("bob", "cmd-x", "not_admin");
        _history.Apply(rejection);
        var decided = await watch.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.Same(rejection, decided);
        // A rejection takes no position.
        Assert.Equal(1, _history.Head("g1"));
    }

    [Fact]
    public async Task A_decision_watch_completes_with_the_sequenced_event()
    {
        var log = new ConversationLog("g1");
        _history.Apply(log.Created("alice", ["bob"]));
        using var watch = _history.WatchDecision(log.NextCommandId);
        var added = log.Added("alice", "carol");
        _history.Apply(added);
        Assert.Same(added, await watch.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None));
    }

    [Fact]
    public async Task A_decision_watch_times_out_with_null_and_stops_watching_when_disposed()
    {
        var log = new ConversationLog("g1");
        _history.Apply(log.Created("alice", ["bob"]));
        var watch = _history.WatchDecision(log.NextCommandId);
        Assert.Null(await watch.WaitAsync(TimeSpan.FromMilliseconds(20), CancellationToken.None));
        watch.Dispose();
        _history.Apply(log.Sent("alice", "late"));
        Assert.False(watch.Decision.IsCompleted);
    }

    [Fact]
    public void A_deduplicated_command_takes_no_position()
    {
        var log = new ConversationLog("g1");
        _history.Apply(log.Created("alice", ["bob"]));
        _history.Apply(log.Sent("alice", "hi", "m1"));
        _history.Apply(new ChatEvent
        {
            ConversationId = "g1", Seq = 2, EventId = "dup", CommandId = "cmd-dup", UserId = "alice", DeviceId = "phone",
            OccurredAt = ConversationLog.Epoch, Payload = new CommandDeduplicated { OriginalSeq = 2, OriginalEventId = "e", OriginalCommandId = "c" },
        });
        Assert.Equal(2, _history.Head("g1"));
        Assert.IsType<MessageSent>(_history.Events("g1", "bob", 1, 3, 1).Single().Event.Payload);
    }

    [Fact]
    public void The_conversation_list_counts_unread_messages_of_others_after_the_read_mark()
    {
        var log = new ConversationLog("d1");
        log.Created("alice", ["bob"], ConversationKind.Direct);
        log.Sent("bob", "one");   // 2
        log.Sent("bob", "two");   // 3
        log.Sent("alice", "mine"); // 4: own messages are never unread
        log.Sent("bob", "three"); // 5
        log.Sent("bob", "gone");  // 6
        log.Deleted("bob", 6);    // 7: a deleted message is not unread
        Apply(log.Events);

        var before = _history.ConversationsOf("alice").Single();
        Assert.Equal((0L, 0L, 3L, 7L), (before.DeliveredSeq, before.ReadSeq, before.Unread, before.LastSeq));

        _history.Apply(Receipt("d1", "alice", 5, 3));
        var after = _history.ConversationsOf("alice").Single();
        Assert.Equal((5L, 3L, 1L), (after.DeliveredSeq, after.ReadSeq, after.Unread));
        Assert.Equal(1, _history.ConversationsOf("bob").Single().Unread); // alice's "mine"
        // The last message is the last one the user may read, as it reads now.
        Assert.Equal(6, after.LastMessage!.Event.Seq);
        Assert.True(after.LastMessage.Message!.Deleted);
        Assert.Equal(log.TimeOf(7), after.LastActivity);
    }

    [Fact]
    public void Read_marks_never_move_back()
    {
        var log = new ConversationLog("d1");
        _history.Apply(log.Created("alice", ["bob"], ConversationKind.Direct));
        _history.Apply(log.Sent("bob", "one"));
        _history.Apply(Receipt("d1", "alice", 2, 2));
        _history.Apply(Receipt("d1", "alice", 1, 0));
        var summary = _history.Conversation("d1", "alice")!;
        Assert.Equal((2L, 2L, 0L), (summary.DeliveredSeq, summary.ReadSeq, summary.Unread));
        // Receipts of a conversation the history does not know are ignored.
        _history.Apply(Receipt("unknown", "alice", 3, 3));
    }

    [Fact]
    public void The_conversation_list_is_newest_activity_first_and_counts_only_what_the_user_may_read()
    {
        var older = new ConversationLog("a-old", ConversationLog.Epoch);
        older.Created("alice", ["bob"]);
        older.Sent("bob", "old news");
        var newer = new ConversationLog("b-new", ConversationLog.Epoch.AddHours(1));
        newer.Created("bob", ["dave"]);
        newer.Sent("bob", "before alice");
        newer.Added("bob", "alice");
        newer.Sent("dave", "hi alice");
        Apply(older.Events);
        Apply(newer.Events);

        var list = _history.ConversationsOf("alice");
        Assert.Equal(["b-new", "a-old"], list.Select(c => c.ConversationId));
        Assert.Equal(1, list[0].Unread); // "before alice" is not hers to read
        Assert.Equal(1, list[1].Unread);
        Assert.Empty(_history.ConversationsOf("nobody"));
    }

    [Fact]
    public void Contacts_are_the_members_of_the_users_current_conversations()
    {
        var team = new ConversationLog("g1");
        team.Created("alice", ["bob", "carol"]);
        team.Removed("alice", "carol");
        var old = new ConversationLog("g2");
        old.Created("dave", ["alice", "erin"]);
        old.Removed("dave", "alice");
        Apply(team.Events);
        Apply(old.Events);

        Assert.Equal(["bob"], _history.ContactsOf("alice"));
        Assert.Equal(["dave"], _history.ContactsOf("erin"));
        Assert.Empty(_history.ContactsOf("carol"));
    }

    [Fact]
    public void Search_finds_only_messages_the_user_may_read_that_are_not_deleted()
    {
        var log = CarolComesAndGoes(); // carol reads 5-8 and 10-11
        _history.Apply(new ConversationLog("other").Created("bob", ["alice"]));
        Continue(log, l => l.Sent("alice", "apple pie"));    // 12
        Continue(log, l => l.Sent("bob", "apple tart"));     // 13
        Continue(log, l => l.Deleted("bob", 13));            // 14
        Continue(log, l => l.Edited("alice", 12, "APPLE crumble")); // 15

        var hits = _history.Search("carol", "apple", null, 10);
        Assert.Equal([12L], hits.Select(h => h.Event.Seq));
        Assert.Equal("APPLE crumble", hits[0].Message!.Body);
        Assert.Empty(_history.Search("carol", "apple pie", null, 10)); // the current text is searched, not the sent one
        Assert.Equal([12L], _history.Search("carol", "crumble apple", "g1", 10).Select(h => h.Event.Seq)); // every term, any order
        Assert.Empty(_history.Search("carol", "apple", "other", 10));
        // Carol was not a member when "three" and "nine" were sent.
        Assert.Empty(_history.Search("carol", "three", null, 10));
        Assert.Empty(_history.Search("carol", "nine", null, 10));
        Assert.Equal([7L], _history.Search("carol", "SEVEN", null, 10).Select(h => h.Event.Seq));
        Assert.Equal([9L], _history.Search("bob", "nine", null, 10).Select(h => h.Event.Seq));
        Assert.Empty(_history.Search("mallory", "apple", null, 10));
        Assert.Empty(_history.Search("carol", "   ", null, 10));
    }

    [Fact]
    public void Search_is_newest_first_and_limited()
    {
        var log = new ConversationLog("g1");
        log.Created("alice", ["bob"]);
        for (var i = 0; i < 5; i++) log.Sent("bob", $"ping {i}");
        Apply(log.Events);
        Assert.Equal([6L, 5, 4], _history.Search("alice", "ping", null, 3).Select(h => h.Event.Seq));
        Assert.Empty(_history.Search("alice", "ping", null, 0));
    }

    [Fact]
    public void A_search_hit_in_a_conversation_the_user_left_stays_readable_up_to_the_removal()
    {
        var log = new ConversationLog("g1");
        log.Created("alice", ["bob"]);
        log.Sent("alice", "secret before");
        log.Removed("alice", "bob");
        log.Sent("alice", "secret after");
        Apply(log.Events);
        Assert.Equal([2L], _history.Search("bob", "secret", null, 10).Select(h => h.Event.Seq));
    }

    [Fact]
    public void Replaying_the_log_again_changes_nothing()
    {
        var log = CarolComesAndGoes();
        log.Reacted("bob", 2, "👍");
        log.Reacted("bob", 2, "👍", remove: true);
        log.Reacted("carol", 6, "🎉");
        log.Edited("alice", 2, "uno");
        log.Deleted("bob", 3);
        Apply(log.Events.Skip(11));
        var before = Snapshot();
        Apply(log.Events);
        Apply(log.Events.Skip(11));
        Assert.Equal(before, Snapshot());
        Assert.Equal(16, _history.Head("g1"));

        string Snapshot() => string.Join("\n",
            from user in new[] { "alice", "bob", "carol" }
            from item in _history.Events("g1", user, 0, long.MaxValue, 100)
            select $"{user} {item.Event.Seq} {item.Message?.Body} {item.Message?.Edited} {item.Message?.Deleted} " +
                   string.Join(",", item.Message?.Reactions.Select(r => $"{r.Key}:{string.Join("+", r.Value)}") ?? []))
            + string.Join(",", _history.MembersOf("g1").Order()) + _history.ConversationsOf("carol").Single().Unread;
    }

    [Fact]
    public void A_gap_in_the_seqs_is_not_folded()
    {
        var log = new ConversationLog("g1");
        log.Created("alice", ["bob"]);
        log.Sent("alice", "two");
        log.Sent("alice", "three");
        log.Sent("alice", "four");
        _history.Apply(log.Events[0]);
        _history.Apply(log.Events[1]);
        _history.Apply(log.Events[3]);
        Assert.Equal(2, _history.Head("g1"));
        Assert.Equal([1L, 2], Readable("g1", "bob"));
        Assert.Empty(_history.Search("bob", "four", null, 10));

        _history.Apply(log.Events[2]);
        _history.Apply(log.Events[3]);
        Assert.Equal(4, _history.Head("g1"));
        Assert.Equal([1L, 2, 3, 4], Readable("g1", "bob"));
    }

    [Fact]
    public void Events_of_a_conversation_whose_creation_was_not_read_are_skipped()
    {
        var log = new ConversationLog("g1");
        log.Created("alice", ["bob"]);
        log.Sent("alice", "two");
        _history.Apply(log.Events[1]);
        Assert.Equal(0, _history.Head("g1"));
        Assert.False(_history.HasAccess("g1", "alice"));
    }

    [Fact]
    public void Readiness_is_set_once_the_replay_caught_up()
    {
        Assert.False(_history.IsReady);
        _history.MarkReady();
        Assert.True(_history.IsReady);
    }

    private void Continue(ConversationLog log, Func<ConversationLog, ChatEvent> next) => _history.Apply(next(log));

    [Fact]
    public void A_deleted_message_and_its_edits_replay_without_text()
    {
        var log = new ConversationLog("d1");
        log.Created("alice", ["bob"], ConversationKind.Direct);
        log.Sent("alice", "my secret", attachments: [new Attachment { MediaId = "m1" }]);
        log.Edited("alice", 2, "still secret");
        log.Sent("bob", "kept");
        log.Deleted("alice", 2);
        Apply(log.Events);

        var items = _history.Events("d1", "bob", 0, long.MaxValue, 10);
        Assert.Equal([1L, 2, 3, 4, 5], items.Select(i => i.Event.Seq));
        var sent = Assert.IsType<MessageSent>(items[1].Event.Payload);
        Assert.Equal("", sent.Body);
        Assert.Empty(sent.Attachments);
        Assert.Equal("", Assert.IsType<MessageEdited>(items[2].Event.Payload).Body);
        Assert.Equal("kept", Assert.IsType<MessageSent>(items[3].Event.Payload).Body);
        Assert.True(items[1].Message!.Deleted);
        // The fold keeps the events as they were; only replays are redacted.
        Assert.Equal("my secret", ((MessageSent)log.Events[1].Payload).Body);
    }

    [Fact]
    public void Presence_keeps_the_latest_change_per_user()
    {
        var later = new PresenceChange { UserId = "bob", Status = PresenceStatus.Offline, LastSeen = ConversationLog.Epoch.AddMinutes(2), DevicesOnline = 0 };
        var earlier = new PresenceChange { UserId = "bob", Status = PresenceStatus.Online, LastSeen = ConversationLog.Epoch, DevicesOnline = 1 };
        Assert.Null(_history.PresenceOf("bob"));
        _history.Apply(later);
        _history.Apply(earlier); // a replay out of order does not go back in time
        Assert.Equal(PresenceStatus.Offline, _history.PresenceOf("bob")!.Status);
    }
}
