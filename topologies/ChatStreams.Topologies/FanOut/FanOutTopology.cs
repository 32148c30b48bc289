using System.Text.Json;
using System.Text.Json.Serialization;
using ChatStreams.Contracts;
using ChatStreams.Kafka.Generations;
using ChatStreams.Streams;
using ChatStreams.Streams.Generations;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;
using ChatStreams.Topologies.Sessions;
using chatstreams.v1;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Topologies.FanOut;

/// <summary>
/// The fan-out: conversation events x membership -> one delivery per member, repartitioned by user -> x sessions
/// table -> one copy per edge holding a live connection of the user (delivery.&lt;edge id&gt;), or a push notification
/// (chat.notifications) for a message to a member who has none.
/// <list type="bullet">
/// <item>Sub-topology 0 (key: conversation id): chat.events and chat.receipts (co-partitioned), membership folded from
/// the events in <see cref="MembersStore"/> / <see cref="ConversationsStore"/>; writes <see cref="DeliveriesByUserTopic"/>,
/// and command outcomes straight to the issuing device's edge.</item>
/// <item>Sub-topology 1 (key: user id): the repartition topic and chat.sessions; <see cref="SessionsStore"/> holds each
/// user's live connections.</item>
/// </list>
/// Every delivery of one conversation to one user passes through one repartition partition in seq order, so each
/// user sees each conversation in seq order.
/// <para>Rescaling (docs/operations.md): generation g ≥ 2 of chat.events/chat.receipts is read by the application
/// <c>chatstreams-fanout.g&lt;g&gt;</c>, which is sub-topology 0 alone and writes into generation 1's repartition topic.
/// Sub-topology 1 is keyed by user and never rescaled, so it stays in generation 1 (which therefore always runs): every
/// delivery to a user, of any generation, passes the same repartition partition, in the order it was written there,
/// and generation g+1 writes a conversation's deliveries only after generation g wrote its last ones.</para>
/// </summary>
public static class FanOutTopology
{
    public const string ApplicationId = "chatstreams-fanout";

    /// <summary>Repartition topic (&lt;application id&gt;-deliveries-by-user): deliveries keyed by recipient.</summary>
    public const string DeliveriesByUserTopic = "deliveries-by-user";

    // Stores.
    public const string MembersStore = "fanout-members";
    public const string ConversationsStore = "fanout-conversations";
    public const string SessionsStore = "sessions";

    // Sub-topology 0.
    public const string EventsSource = "fanout-events-source";
    public const string ReceiptsSource = "fanout-receipts-source";
    public const string EventFanOutProcessor = "event-fan-out";
    public const string ReceiptFanOutProcessor = "receipt-fan-out";
    public const string EventsCutover = "fanout-events-cutover";
    public const string ReceiptsCutover = "fanout-receipts-cutover";
    public const string ToUsersSink = "deliveries-by-user-sink";
    public const string CommandOutcomeSink = "command-outcome-sink";

    // Sub-topology 1.
    public const string DeliveriesSource = "deliveries-by-user-source";
    public const string SessionsSource = "fanout-sessions-source";
    public const string SessionTableProcessor = "session-table";
    public const string DeliveryRouterProcessor = "delivery-router";
    public const string OfflineNotifierProcessor = "offline-notifier";
    public const string DeliverySink = "delivery-sink";
    public const string NotificationSink = "notification-sink";

    /// <summary>Store values are JSON with enum names, so changelogs stay readable.</summary>
    private static readonly JsonSerializerOptions StoreJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>The stores of sub-topology 0 (keyed by conversation): they move to the next generation in a rescale.</summary>
    public static IReadOnlyList<string> ConversationKeyedStores { get; } = [MembersStore, ConversationsStore];

    /// <summary>Generation 1's repartition topic, which every generation writes (its consumer, sub-topology 1, is in generation 1).</summary>
    public static string DeliveriesByUserTopicName => $"{ApplicationId}-{DeliveriesByUserTopic}";

    /// <param name="generation">The generation of chat.events/chat.receipts to read: 1 builds both sub-topologies, a
    /// later one sub-topology 0 alone, writing generation 1's repartition topic.</param>
    public static Topology Build(ContractSerdes serdes, TopologyOptions options, TopicSettings topics, ILoggerFactory? loggers = null, int generation = 1)
    {
        ArgumentNullException.ThrowIfNull(serdes);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(topics);
        loggers ??= NullLoggerFactory.Instance;
        var routed = new RoutedDeliverySerde(serdes.Delivery);
        var deliveriesByUser = generation == 1 ? Topology.InternalTopicName(DeliveriesByUserTopic) : DeliveriesByUserTopicName;
        var cutoverLogger = loggers.CreateLogger(typeof(CutoverMarkerSkip<,>));

        // Sub-topology 0: events and receipts by conversation -> deliveries by user.
        var topology = new Topology()
            .AddSource(EventsSource, Serdes.String, serdes.Event, TopicGenerations.TopicName(Topics.ChatEvents, generation))
            .AddSource(ReceiptsSource, Serdes.String, serdes.Receipt, TopicGenerations.TopicName(Topics.ChatReceipts, generation))
            .AddCutoverMarkerSkip<string, ChatEvent>(EventsCutover, EventsSource, cutoverLogger)
            .AddCutoverMarkerSkip<string, ReceiptUpdate>(ReceiptsCutover, ReceiptsSource, cutoverLogger)
            .AddProcessor(EventFanOutProcessor, () => new EventFanOut(loggers.CreateLogger<EventFanOut>()), EventsCutover)
            .AddProcessor(ReceiptFanOutProcessor, () => new ReceiptFanOut(loggers.CreateLogger<ReceiptFanOut>()), ReceiptsCutover)
            .AddStateStore(Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore(MembersStore), Serdes.String, Serdes.Json<FanOutMember>(StoreJson)),
                EventFanOutProcessor, ReceiptFanOutProcessor)
            .AddStateStore(Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore(ConversationsStore), Serdes.String, Serdes.Json<FanOutConversation>(StoreJson)),
                EventFanOutProcessor, ReceiptFanOutProcessor)
            .AddSink(ToUsersSink, deliveriesByUser, Serdes.String, routed, EventFanOutProcessor, ReceiptFanOutProcessor)
            .AddSink(CommandOutcomeSink, DeliveryTopics.Of, Serdes.String, routed, EventFanOutProcessor);
        if (generation == 1)
        {
            topology
                // Read together with chat.sessions (key user id): same partition count, whatever chat.events has.
                .AddRepartitionTopic(DeliveriesByUserTopic, topics.Sessions.Partitions)
                // Sub-topology 1: deliveries by user x sessions -> edges, or a notification.
                .AddSource(DeliveriesSource, Serdes.String, routed, deliveriesByUser)
                .AddSource(SessionsSource, Serdes.String, serdes.Session, Topics.ChatSessions)
                .AddProcessor(SessionTableProcessor, () => new SessionTable(options, loggers.CreateLogger<SessionTable>()), SessionsSource)
                .AddProcessor(DeliveryRouterProcessor, () => new DeliveryRouter(options, loggers.CreateLogger<DeliveryRouter>()), DeliveriesSource)
                .AddProcessor(OfflineNotifierProcessor, () => new OfflineNotifier(options, loggers.CreateLogger<OfflineNotifier>()), DeliveryRouterProcessor)
                .AddStateStore(Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore(SessionsStore), Serdes.String, Serdes.Json<UserConnections>(StoreJson)),
                    SessionTableProcessor, DeliveryRouterProcessor)
                .AddSink(DeliverySink, DeliveryTopics.Of, Serdes.String, routed, DeliveryRouterProcessor)
                .AddSink(NotificationSink, Topics.ChatNotifications, Serdes.String, serdes.Notification, OfflineNotifierProcessor);
        }
        return topology.CreateTopicsOnDemand(DeliveryTopics.CreatedOnDemand(topics));
    }
}
