using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.Presence;

/// <summary>chat.presence gets a change only on a real Online/Offline transition, Offline debounced and detected by wall clock.</summary>
[Collection(ChatRegistryCollection.Name)]
public sealed class PresenceTransitionTests(ChatRegistry registry)
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void A_connect_publishes_one_online_change()
    {
        using var s = new PresenceScenario(registry.Serdes);

        s.Connect("alice");

        var change = Assert.Single(s.PresenceChanges());
        Assert.Equal("alice", change.Key);
        Assert.Equal("alice", change.Value.UserId);
        Assert.Equal(PresenceStatus.Online, change.Value.Status);
        Assert.Equal(1, change.Value.DevicesOnline);
        Assert.Equal(PresenceScenario.Start.UtcDateTime, change.Value.LastSeen);
    }

    [Fact]
    public void A_second_device_and_heartbeats_publish_nothing()
    {
        using var s = new PresenceScenario(registry.Serdes);
        var phone = s.Connect("alice", "phone");
        s.PresenceChanges();

        s.Elapse(TimeSpan.FromSeconds(3), phone);
        var laptop = s.Connect("alice", "laptop", "edge-2");
        s.Elapse(TimeSpan.FromMinutes(2), phone, laptop);

        Assert.Empty(s.PresenceChanges());
        Assert.Empty(s.UnreadOutputs());
    }

    [Fact]
    public void The_last_disconnect_publishes_offline_with_last_seen_only_after_the_debounce()
    {
        using var s = new PresenceScenario(registry.Serdes);
        var phone = s.Connect("alice", "phone");
        var laptop = s.Connect("alice", "laptop");
        s.PresenceChanges();

        s.Elapse(TimeSpan.FromSeconds(12), phone, laptop); // heartbeats at +10 s
        s.Disconnect(laptop);
        s.Elapse(TimeSpan.FromSeconds(3), phone);
        s.Disconnect(phone); // +15 s: the last device leaves
        s.Elapse(TimeSpan.FromSeconds(4));
        Assert.Empty(s.PresenceChanges());

        s.Elapse(Second); // +20 s: the 5 s debounce has passed

        var change = Assert.Single(s.PresenceChanges());
        Assert.Equal(PresenceStatus.Offline, change.Value.Status);
        Assert.Equal(0, change.Value.DevicesOnline);
        Assert.Equal(PresenceScenario.Start.AddSeconds(15).UtcDateTime, change.Value.LastSeen);
        s.Elapse(TimeSpan.FromMinutes(2));
        Assert.Empty(s.PresenceChanges());
    }

    [Fact]
    public void A_disconnect_and_reconnect_within_the_debounce_publish_nothing()
    {
        using var s = new PresenceScenario(registry.Serdes);
        var first = s.Connect("alice");
        s.PresenceChanges();

        s.Disconnect(first);
        s.Elapse(TimeSpan.FromSeconds(4));
        var second = s.Connect("alice", edge: "edge-2");
        s.Elapse(TimeSpan.FromMinutes(1), second);

        Assert.Empty(s.PresenceChanges());
    }

    [Fact]
    public void A_crashed_edge_takes_the_user_offline_after_the_gap_and_the_debounce_by_wall_clock_alone()
    {
        using var s = new PresenceScenario(registry.Serdes);
        var phone = s.Connect("alice");
        s.PresenceChanges();
        s.Elapse(TimeSpan.FromSeconds(20), phone); // heartbeats at +10 s and +20 s, then the edge dies

        // Silent since +20 s: gone at +50 s (gap), published Offline at +55 s (debounce); no record arrives meanwhile.
        s.Elapse(TimeSpan.FromSeconds(34));
        Assert.Empty(s.PresenceChanges());
        s.Elapse(Second);

        var change = Assert.Single(s.PresenceChanges());
        Assert.Equal(PresenceStatus.Offline, change.Value.Status);
        Assert.Equal(PresenceScenario.Start.AddSeconds(20).UtcDateTime, change.Value.LastSeen);
        Assert.Empty(s.Driver.GetKeyValueStore<string, string>(Topologies.Presence.PresenceTopology.DeadlinesStore).All());
    }

    [Fact]
    public void A_user_at_two_edges_stays_online_when_one_edge_crashes()
    {
        using var s = new PresenceScenario(registry.Serdes);
        var phone = s.Connect("alice", "phone", "edge-1");
        var laptop = s.Connect("alice", "laptop", "edge-2");
        s.PresenceChanges();

        s.Elapse(TimeSpan.FromMinutes(3), laptop); // edge-1 never heartbeats again

        Assert.Empty(s.PresenceChanges());
        var state = s.Driver.GetKeyValueStore<string, Topologies.Presence.PresenceState>(Topologies.Presence.PresenceTopology.PresenceStore).Get("alice")!;
        Assert.Equal([laptop.ConnectionId], state.Connections.Connections.Select(c => c.ConnectionId));
        Assert.NotEqual(phone.ConnectionId, state.Connections.Connections.Single().ConnectionId);
    }

    [Fact]
    public void A_late_disconnect_of_an_old_connection_does_not_take_the_reconnected_device_offline()
    {
        using var s = new PresenceScenario(registry.Serdes);
        var old = s.Connect("alice", "phone", "edge-1", "c-old");
        s.PresenceChanges();
        s.Elapse(TimeSpan.FromSeconds(2));
        var fresh = s.Connect("alice", "phone", "edge-2", "c-new"); // the device reconnected elsewhere first

        s.Elapse(TimeSpan.FromSeconds(1));
        s.Disconnect(old); // the old edge reports the old connection's end late
        s.Elapse(TimeSpan.FromMinutes(1), fresh);

        Assert.Empty(s.PresenceChanges());
    }

    [Fact]
    public void Heartbeats_do_not_move_the_deadline_entry_each_time()
    {
        using var s = new PresenceScenario(registry.Serdes);
        var changelog = s.Driver.CreateOutputTopic($"{Topologies.Presence.PresenceTopology.ApplicationId}-{Topologies.Presence.PresenceTopology.DeadlinesStore}-changelog",
            Streams.Serialization.Serdes.String, Streams.Serialization.Serdes.String);
        var phone = s.Connect("alice");

        s.Elapse(TimeSpan.FromSeconds(25), phone); // two heartbeats inside the first gap

        Assert.Equal(1, changelog.QueueSize);
    }

    [Fact]
    public void A_session_event_from_a_backlog_older_than_the_gap_does_not_bring_a_user_online()
    {
        using var s = new PresenceScenario(registry.Serdes);
        s.Elapse(TimeSpan.FromMinutes(2));
        var stale = new Connection("alice", "phone", "edge-1", "c-1");

        // Catching up after an outage: this connect and heartbeat happened two minutes ago.
        s.PipeSession(stale, SessionEventKind.Connect, PresenceScenario.Start);
        s.PipeSession(stale, SessionEventKind.Heartbeat, PresenceScenario.Start.AddSeconds(10));
        s.Elapse(TimeSpan.FromMinutes(1));
        Assert.Empty(s.PresenceChanges());

        s.Heartbeat(stale); // a current heartbeat: the connection is live now
        Assert.Equal(PresenceStatus.Online, Assert.Single(s.PresenceChanges()).Value.Status);
    }

    [Fact]
    public void A_session_stamped_in_the_future_counts_as_seen_now()
    {
        using var s = new PresenceScenario(registry.Serdes);
        var skewed = new Connection("alice", "phone", "edge-1", "c-1");

        s.PipeSession(skewed, SessionEventKind.Connect, PresenceScenario.Start.AddHours(1)); // the edge's clock is an hour ahead
        var online = Assert.Single(s.PresenceChanges());
        Assert.Equal(PresenceScenario.Start.UtcDateTime, online.Value.LastSeen);

        s.Elapse(TimeSpan.FromSeconds(35)); // the edge died: gone after the gap, not an hour later
        Assert.Equal(PresenceStatus.Offline, Assert.Single(s.PresenceChanges()).Value.Status);
    }

    [Fact]
    public void Without_a_debounce_offline_is_published_at_the_disconnect()
    {
        var options = PresenceScenario.DefaultOptions();
        options.Presence.OfflineDebounce = TimeSpan.Zero;
        using var s = new PresenceScenario(registry.Serdes, options: options);
        var phone = s.Connect("alice");

        s.Disconnect(phone);

        Assert.Equal([PresenceStatus.Online, PresenceStatus.Offline], s.PresenceChanges().Select(c => c.Value.Status));
    }
}
