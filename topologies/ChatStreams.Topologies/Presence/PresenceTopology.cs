using ChatStreams.Contracts;
using ChatStreams.Kafka.Generations;
using ChatStreams.Streams;
using ChatStreams.Streams.Generations;
using chatstreams.v1;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Topologies.Presence;

/// <summary>
/// The presence topology (application <see cref="ApplicationId"/>): chat.sessions -> who is online -> chat.presence
/// (only real Online/Offline transitions, Offline debounced) and a presence Delivery to each live edge of the user's
/// peers (members of their direct conversations and small groups).
/// </summary>
/// <remarks>
/// Sub-topology 0 (key: conversation id) reads chat.events and turns membership into peer links, repartitioned by
/// user. Sub-topology 1 (key: user id) reads chat.sessions, the peer links and the presence notices it writes itself:
/// a change of user U is found in U's task (where U's peers are), but the edges of a peer P are known in P's task,
/// so each notice takes one hop through presence-notices keyed by P. All stores are in RocksDB with changelogs.
/// <para>Rescaling (docs/operations.md): generation g ≥ 2 of chat.events is read by <c>chatstreams-presence.g&lt;g&gt;</c>,
/// sub-topology 0 alone, writing generation 1's peer-links topic; the user-keyed sub-topology 1 stays in generation 1.</para>
/// </remarks>
public static class PresenceTopology
{
    public const string ApplicationId = "chatstreams-presence";

    // Sub-topology 0: conversation membership -> peer links.
    public const string EventsSource = "presence-events-source";
    public const string EventsCutover = "presence-events-cutover";
    public const string PeerLinker = "peer-linker";
    public const string PeerLinksSink = "peer-links-sink";

    // Sub-topology 1: sessions, peer links and notices -> presence changes and deliveries.
    public const string SessionsSource = "presence-sessions-source";
    public const string PeerLinksSource = "peer-links-source";
    public const string NoticesSource = "presence-notices-source";
    public const string Tracker = "presence-tracker";
    public const string PeerFanOut = "presence-peer-fanout";
    public const string PeerLinks = "peer-links";
    public const string NoticeRouter = "presence-notice-router";
    public const string PresenceSink = "presence-sink";
    public const string NoticesSink = "presence-notices-sink";
    public const string DeliverySink = "presence-delivery-sink";

    /// <summary>Repartition topic (&lt;application id&gt;-peer-links) of <see cref="PeerLink"/>s keyed by user.</summary>
    public const string PeerLinksTopic = "peer-links";

    /// <summary>Repartition topic (&lt;application id&gt;-presence-notices) of presence Deliveries keyed by the recipient.</summary>
    public const string NoticesTopic = "presence-notices";

    public const string ConversationsStore = "presence-conversations";
    public const string PresenceStore = "presence";
    public const string DeadlinesStore = "presence-deadlines";
    public const string PeersStore = "peers";

    /// <summary>The store of sub-topology 0 (keyed by conversation): it moves to the next generation in a rescale.</summary>
    public static IReadOnlyList<string> ConversationKeyedStores { get; } = [ConversationsStore];

    /// <summary>Generation 1's peer-links topic, which every generation writes.</summary>
    public static string PeerLinksTopicName => $"{ApplicationId}-{PeerLinksTopic}";

    /// <param name="generation">The generation of chat.events to read: 1 builds both sub-topologies, a later one
    /// sub-topology 0 alone, writing generation 1's peer-links topic.</param>
    public static Topology Build(ContractSerdes serdes, TopologyOptions options, TopicSettings topics, ILoggerFactory? loggers = null, int generation = 1)
    {
        ArgumentNullException.ThrowIfNull(serdes);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(topics);
        loggers ??= NullLoggerFactory.Instance;
        var gap = options.SessionInactivityGap;
        var peerLinks = Serdes.Json<PeerLink>();
        // Both repartition topics are keyed by user id and read together with chat.sessions: they get its partition
        // count rather than the runtime's default (the largest upstream topic), which would be chat.events' count.
        var userPartitions = topics.Sessions.Partitions;

        var topology = new Topology()
            .AddSource(EventsSource, Serdes.String, serdes.Event, TopicGenerations.TopicName(Topics.ChatEvents, generation))
            .AddCutoverMarkerSkip<string, ChatEvent>(EventsCutover, EventsSource, loggers.CreateLogger(typeof(CutoverMarkerSkip<,>)))
            .AddProcessor(PeerLinker, () => new PeerLinker(options.Presence, loggers.CreateLogger<PeerLinker>()), EventsCutover)
            .AddSink(PeerLinksSink, generation == 1 ? Topology.InternalTopicName(PeerLinksTopic) : PeerLinksTopicName, Serdes.String, peerLinks, PeerLinker)
            .AddStateStore(Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore(ConversationsStore), Serdes.String, Serdes.Json<ConversationRoster>()), PeerLinker);
        if (generation > 1) return topology;

        topology
            .AddRepartitionTopic(PeerLinksTopic, userPartitions)
            .AddRepartitionTopic(NoticesTopic, userPartitions)
            .AddSource(SessionsSource, Serdes.String, serdes.Session, Topics.ChatSessions)
            .AddSource(PeerLinksSource, Serdes.String, peerLinks, Topology.InternalTopicName(PeerLinksTopic))
            .AddSource(NoticesSource, Serdes.String, serdes.Delivery, Topology.InternalTopicName(NoticesTopic))
            .AddProcessor(Tracker, () => new PresenceTracker(options, loggers.CreateLogger<PresenceTracker>()), SessionsSource)
            .AddProcessor(PeerFanOut, () => new PresencePeerFanOut(), Tracker)
            .AddProcessor(PeerLinks, () => new PeerLinkCounter(loggers.CreateLogger<PeerLinkCounter>()), PeerLinksSource)
            .AddProcessor(NoticeRouter, () => new PresenceNoticeRouter(gap, loggers.CreateLogger<PresenceNoticeRouter>()), NoticesSource)
            .AddSink(PresenceSink, Topics.ChatPresence, Serdes.String, serdes.Presence, Tracker)
            .AddSink(NoticesSink, Topology.InternalTopicName(NoticesTopic), Serdes.String, serdes.Delivery, PeerFanOut, PeerLinks)
            .AddSink(DeliverySink, DeliveryTopics.Of, Serdes.String, new RoutedDeliverySerde(serdes.Delivery), NoticeRouter)
            .AddStateStore(Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore(PresenceStore), Serdes.String, Serdes.Json<PresenceState>()), Tracker, PeerLinks, NoticeRouter)
            .AddStateStore(Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore(DeadlinesStore), Serdes.String, Serdes.String), Tracker)
            .AddStateStore(Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore(PeersStore), Serdes.String, Serdes.Int), PeerLinks, PeerFanOut);

        // Edges appear at runtime: the first notice for a new edge creates its delivery topic.
        return topology.CreateTopicsOnDemand(DeliveryTopics.CreatedOnDemand(topics));
    }
}
