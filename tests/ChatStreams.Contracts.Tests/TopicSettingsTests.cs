using Microsoft.Extensions.Configuration;
namespace ChatStreams.Contracts.Tests;

public class TopicSettingsTests
{
    private static readonly long Day = (long)TimeSpan.FromDays(1).TotalMilliseconds;

    [Fact]
    public void Defaults_are_valid()
    {
        Assert.Empty(new TopicSettings().Validate());
    }

    [Fact]
    public void Every_fixed_topic_has_a_spec_with_sane_settings()
    {
        var specs = new TopicSettings().FixedSpecs();
        Assert.Equal(Topics.Fixed, specs.Select(s => s.Name));
        foreach (var spec in specs)
        {
            Assert.Equal(TopicSettings.DefaultPartitions, spec.Partitions);
            Assert.Equal(-1, spec.ReplicationFactor);
            Assert.Contains(spec.Configs["cleanup.policy"], TopicOptions.CleanupPolicies);
            if (spec.Configs["cleanup.policy"].Contains("delete"))
            {
                var retention = long.Parse(spec.Configs["retention.ms"]);
                Assert.True(retention == -1 || retention >= Day, $"{spec.Name} keeps records only {retention} ms.");
            }
            else
            {
                Assert.False(spec.Configs.ContainsKey("retention.ms"), $"{spec.Name} is compacted; retention.ms would not apply.");
            }
        }
    }

    [Fact]
    public void Existing_topics_keep_their_partition_counts_unless_the_count_is_configured()
    {
        var settings = new TopicSettings();
        settings.Receipts.Partitions = 8; // configured explicitly: the configuration wins (the provisioner warns)
        var existing = new Dictionary<string, int>
        {
            [Topics.ChatCommands] = 12, [Topics.ChatEvents] = 12, [Topics.ChatReceipts] = 12,
            [Topics.ChatSessions] = 6, [Topics.ChatPresence] = 6, ["delivery.edge-0"] = 12,
        };

        var kept = settings.KeepExistingPartitions(existing, key => key == "Receipts");

        Assert.Equal(["chat.commands (12)", "chat.events (12)", "chat.sessions (6)", "chat.presence (6)"], kept);
        Assert.Equal(12, settings.Commands.Partitions);
        Assert.Equal(12, settings.Events.Partitions);
        Assert.Equal(8, settings.Receipts.Partitions);
        Assert.Equal(6, settings.Sessions.Partitions);
        Assert.Equal(6, settings.Presence.Partitions);
        Assert.Equal(TopicSettings.DefaultPartitions, settings.Notifications.Partitions); // not there yet: created with the default
        Assert.Equal(TopicSettings.DefaultPartitions, settings.Delivery.Partitions); // one topic per edge, joined with nothing
        Assert.Empty(new TopicSettings().KeepExistingPartitions(new Dictionary<string, int>(), _ => false));
    }

    [Fact]
    public void The_partition_environment_names_every_topic_with_the_keys_the_processes_bind()
    {
        var settings = new TopicSettings();
        settings.Sessions.Partitions = 6;
        var environment = settings.PartitionEnvironment();

        Assert.Equal(7, environment.Count);
        Assert.Equal("6", environment["Topics__Sessions__Partitions"]);
        Assert.Equal(TopicSettings.DefaultPartitions.ToString(), environment["Topics__Delivery__Partitions"]);

        // What a child process binds from those variables is what was passed.
        var bound = new TopicSettings();
        new ConfigurationBuilder()
            .AddInMemoryCollection(environment.ToDictionary(kv => kv.Key.Replace("__", ":"), kv => (string?)kv.Value)).Build()
            .GetSection(TopicSettings.SectionName).Bind(bound);
        Assert.Equal(6, bound.Sessions.Partitions);
        Assert.Equal(settings.FixedSpecs().Select(s => s.Partitions), bound.FixedSpecs().Select(s => s.Partitions));
    }

    [Fact]
    public void Sessions_and_presence_are_compacted_and_the_event_log_is_kept_forever()
    {
        var specs = new TopicSettings().FixedSpecs().ToDictionary(s => s.Name);
        Assert.Equal("compact", specs[Topics.ChatSessions].Configs["cleanup.policy"]);
        Assert.Equal("compact", specs[Topics.ChatPresence].Configs["cleanup.policy"]);
        Assert.Equal("delete", specs[Topics.ChatEvents].Configs["cleanup.policy"]);
        Assert.Equal("-1", specs[Topics.ChatEvents].Configs["retention.ms"]);
        // Receipts of several users share a conversation key; compaction would drop all but one user's state.
        Assert.Equal("delete", specs[Topics.ChatReceipts].Configs["cleanup.policy"]);
    }

    [Fact]
    public void All_specs_add_one_delivery_topic_per_distinct_edge()
    {
        var settings = new TopicSettings();
        settings.Delivery.Partitions = 3;
        var specs = settings.AllSpecs(["edge-0", "edge-1", "edge-0"]);
        Assert.Equal([.. Topics.Fixed, "delivery.edge-0", "delivery.edge-1"], specs.Select(s => s.Name));
        Assert.All(specs.Skip(Topics.Fixed.Count), s => Assert.Equal(3, s.Partitions));
        Assert.Equal("delete", settings.DeliverySpec("edge-9").Configs["cleanup.policy"]);
    }

    [Fact]
    public void Delivery_spec_refuses_a_bad_edge_id()
    {
        Assert.Throws<ArgumentException>(() => new TopicSettings().DeliverySpec("edge 0"));
    }

    [Fact]
    public void Extra_configs_are_passed_through()
    {
        var settings = new TopicSettings();
        settings.Sessions.Configs["min.compaction.lag.ms"] = "60000";
        var sessions = settings.FixedSpecs().Single(s => s.Name == Topics.ChatSessions);
        Assert.Equal("60000", sessions.Configs["min.compaction.lag.ms"]);
        Assert.Equal("compact", sessions.Configs["cleanup.policy"]);
    }

    [Fact]
    public void Topics_joined_by_conversation_id_must_share_a_partition_count()
    {
        var settings = new TopicSettings();
        settings.Events.Partitions = 6;
        var error = Assert.Single(settings.Validate());
        Assert.Contains("chat.events (6)", error);
        Assert.Contains("conversation id", error);
    }

    [Fact]
    public void Topics_joined_by_user_id_must_share_a_partition_count()
    {
        var settings = new TopicSettings();
        settings.Presence.Partitions = TopicSettings.DefaultPartitions * 2;
        Assert.Contains("user id", Assert.Single(settings.Validate()));
    }

    [Fact]
    public void Unusable_values_are_reported_with_the_topic_name()
    {
        var settings = new TopicSettings();
        settings.Notifications.Partitions = 0;
        settings.Notifications.RetentionMs = 0;
        settings.Notifications.ReplicationFactor = 0;
        settings.Delivery.CleanupPolicy = "keep";
        settings.Commands.Configs["retention.ms"] = "5";
        var errors = settings.Validate();
        Assert.Equal(5, errors.Count);
        Assert.Equal(3, errors.Count(e => e.Contains("chat.notifications")));
        Assert.Contains(errors, e => e.Contains("delivery.<edge-id>") && e.Contains("'keep'"));
        Assert.Contains(errors, e => e.Contains("chat.commands") && e.Contains("RetentionMs"));
    }
}
