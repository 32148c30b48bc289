using System.CommandLine;
using ChatStreams.Contracts;
using ChatStreams.Host.Observability;
using ChatStreams.Kafka;
using ChatStreams.Notifications;
using ChatStreams.Notifications.Delivery;
using ChatStreams.Notifications.Preferences;
using ChatStreams.Notifications.WebPush;
using ChatStreams.Sinks;
using chatstreams.v1;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Host.Commands;

/// <summary>
/// `chatstreams notifications`: the push sender. Consumes chat.notifications as consumer group
/// chatstreams-notifications (Sinks__BatchSize / Sinks__BatchLinger batch it), folds each user's notifications into
/// one push, and delivers it to Notifications__WebhookUrl (when set) and to the user's Web Push subscriptions from the
/// preferences store (Notifications__SqlitePath), signed with the VAPID keys (Notifications__VapidKeyFile or
/// Notifications__VapidPublicKey/VapidPrivateKey). See docs/notifications.md.
/// </summary>
internal static class NotificationsCommand
{
    public static Command Create()
    {
        var verbose = new Option<bool>("--verbose") { Description = "Debug logging" };
        var command = new Command("notifications", "Run the push sender: chat.notifications to Web Push subscriptions and the webhook") { verbose };
        command.SetAction(async (parse, ct) =>
        {
            using var loggers = HostLogging.Create(parse.GetValue(verbose));
            var logger = loggers.CreateLogger("ChatStreams.Host");
            try
            {
                var configuration = HostConfiguration.Build();
                var readiness = new ProcessReadiness("the sender is opening its stores");
                await using var observability = await ProcessObservability.StartAsync(configuration, "notifications", () => readiness.NotReadyReason);
                var kafka = HostConfiguration.Bind<KafkaOptions>(configuration, KafkaOptions.Section);
                var sinks = HostConfiguration.Bind<SinkOptions>(configuration, SinkOptions.Section);
                // The sender is not a store sink: its group is chatstreams-notifications, unless Sinks__GroupIdPrefix says otherwise.
                if (configuration[$"{SinkOptions.Section}:{nameof(SinkOptions.GroupIdPrefix)}"] is null) sinks.GroupIdPrefix = "chatstreams-";
                var options = HostConfiguration.Bind<NotificationOptions>(configuration, NotificationOptions.Section);
                NotificationOptionsValidator.ThrowIfInvalid(options);
                var registry = HostConfiguration.Bind<SchemaRegistryClientOptions>(configuration, SchemaRegistryClientOptions.SectionName);
                var preferences = PushPreferencesStores.Open(options);
                using var ownedStore = preferences as IDisposable; // the MongoDB store owns a client
                await preferences.InitializeAsync(ct);
                var ledger = new SqliteSentLedger(options.LedgerPath);
                await ledger.InitializeAsync(ct);
                var vapid = await VapidKeys.LoadAsync(options, preferences, ct);
                using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
                using var registryClient = registry.CreateClient();
                var sender = new NotificationSender(preferences, ledger, vapid, http, options, TimeProvider.System, loggers.CreateLogger("ChatStreams.Notifications"));
                var runner = new SinkRunner<Notification>(NotificationSender.SinkName, new NotificationDecoder(new ChatSerdes(registryClient, registry)),
                    sender, kafka, sinks, loggers.CreateLogger("ChatStreams.Notifications.Runner"));
                Console.Out.WriteLine($"notifications running as group {runner.GroupId}: {PushPreferencesStores.Describe(preferences)}, ledger {ledger.Path}, " +
                    $"webhook {(sender.HasWebhook ? new Uri(options.WebhookUrl!).GetLeftPart(UriPartial.Path) : "off")}, vapid key {vapid.PublicKeyText}");
                Console.Out.Flush();
                readiness.MarkReady();
                await runner.RunAsync(ct);
                return 0;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or Confluent.Kafka.KafkaException or Microsoft.Data.Sqlite.SqliteException
                                        or IOException or UnauthorizedAccessException
                                        or MongoDB.Driver.MongoException or TimeoutException)
            {
                logger.LogCritical("notifications could not run: {Reason}", e.Message);
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
