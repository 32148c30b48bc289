using System.Reflection;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ChatStreams.Kafka.Tests;

/// <summary>
/// Metadata and topic creation at start survive a connection that breaks under the request (a topology instance that
/// joined during a chaos run exited at start on one), and still fail for good on a real refusal or a broker that stays away.
/// </summary>
public sealed class BrokerCallRetryTests
{
    private static readonly TopicSpecification Words = new() { Name = "words", NumPartitions = 4, ReplicationFactor = 1 };
    private static readonly TopicSpecification Counts = new() { Name = "counts", NumPartitions = 4, ReplicationFactor = 1 };

    [Fact]
    public void Metadata_is_asked_again_when_the_connection_breaks_under_it()
    {
        var admin = ScriptedAdmin.Create(metadataFailures: 2);

        var metadata = admin.GetMetadataRetrying(TimeSpan.FromSeconds(10));

        Assert.Equal(1, metadata.OriginatingBrokerId);
        Assert.Equal(3, Script(admin).MetadataCalls);
    }

    [Fact]
    public void Metadata_from_a_broker_that_stays_away_fails_at_the_deadline()
    {
        var admin = ScriptedAdmin.Create(metadataFailures: int.MaxValue);

        var failure = Assert.Throws<KafkaException>(() => admin.GetMetadataRetrying("words", TimeSpan.FromSeconds(1)));

        Assert.Equal(ErrorCode.Local_Transport, failure.Error.Code);
        Assert.InRange(Script(admin).MetadataCalls, 2, 10);
    }

    [Theory]
    [InlineData(ErrorCode.Local_Transport, true)]
    [InlineData(ErrorCode.Local_TimedOut, true)]
    [InlineData(ErrorCode.Local_DestroyBroker, true)] // the connection was torn down under the call (a broker restart)
    [InlineData(ErrorCode.UnknownTopicOrPart, true)] // a topic created a moment ago
    [InlineData(ErrorCode.LeaderNotAvailable, true)]
    [InlineData(ErrorCode.TopicAuthorizationFailed, false)]
    [InlineData(ErrorCode.InvalidReplicationFactor, false)]
    [InlineData(ErrorCode.Local_InvalidArg, false)]
    public void Connection_and_not_yet_known_errors_are_transient_refusals_are_not(ErrorCode code, bool transient) =>
        Assert.Equal(transient, BrokerCallRetry.IsTransient(new Error(code)));

    [Fact]
    public void A_fatal_error_is_not_asked_again()
    {
        var calls = 0;
        Assert.Throws<KafkaException>(() => BrokerCallRetry.Until<int>(TimeSpan.FromSeconds(10), _ =>
        {
            calls++;
            throw new KafkaException(new Error(ErrorCode.Local_Transport, "fatal", isFatal: true));
        }));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_topic_whose_answer_timed_out_is_asked_for_again_and_already_existing_counts_as_created()
    {
        // First answer: words created, counts timed out. Second (counts only): it exists now (the first request did it).
        var admin = ScriptedAdmin.Create(createAnswers:
        [
            [new CreateTopicReport { Topic = "words", Error = new Error(ErrorCode.NoError) },
                new CreateTopicReport { Topic = "counts", Error = new Error(ErrorCode.RequestTimedOut, "timed out") }],
            [new CreateTopicReport { Topic = "counts", Error = new Error(ErrorCode.TopicAlreadyExists, "exists") }],
        ]);

        await admin.CreateTopicsRetryingAsync([Words, Counts], TimeSpan.FromSeconds(10));

        Assert.Equal([["words", "counts"], ["counts"]], Script(admin).CreateRequests);
    }

    [Fact]
    public async Task A_request_lost_as_a_whole_is_sent_again()
    {
        var admin = ScriptedAdmin.Create(createAnswers: [null, []]);

        await admin.CreateTopicsRetryingAsync([Words], TimeSpan.FromSeconds(10));

        Assert.Equal(2, Script(admin).CreateRequests.Count);
    }

    [Fact]
    public async Task A_refused_topic_fails_at_once_with_its_reason()
    {
        var admin = ScriptedAdmin.Create(createAnswers:
        [
            [new CreateTopicReport { Topic = "words", Error = new Error(ErrorCode.InvalidReplicationFactor, "replication factor 3 > 1 broker") }],
        ]);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => admin.CreateTopicsRetryingAsync([Words], TimeSpan.FromSeconds(10)));

        Assert.Contains("words: replication factor 3 > 1 broker", failure.Message);
        Assert.Single(Script(admin).CreateRequests);
    }

    [Fact]
    public async Task Topics_that_keep_timing_out_fail_at_the_deadline_naming_them()
    {
        var timedOut = new List<CreateTopicReport> { new() { Topic = "words", Error = new Error(ErrorCode.RequestTimedOut, "timed out") } };
        var admin = ScriptedAdmin.Create(createAnswers: Enumerable.Repeat(timedOut, 100).ToArray());

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => admin.CreateTopicsRetryingAsync([Words], TimeSpan.FromSeconds(1)));

        Assert.Contains("words: timed out", failure.Message);
        Assert.InRange(Script(admin).CreateRequests.Count, 2, 10);
    }

    private static ScriptedAdmin Script(IAdminClient admin) => (ScriptedAdmin)(object)admin;

    /// <summary>
    /// An admin client whose first metadata calls fail with a broken connection, and whose CreateTopics answers are
    /// scripted: a list of per-topic reports (errors throw CreateTopicsException, as Confluent.Kafka does), [] for
    /// success, null for a request lost as a whole (KafkaException Local_Transport).
    /// </summary>
    public class ScriptedAdmin : DispatchProxy
    {
        private int _metadataFailures;
        private Queue<List<CreateTopicReport>?> _createAnswers = new();

        public int MetadataCalls { get; private set; }
        public List<string[]> CreateRequests { get; } = [];

        public static IAdminClient Create(int metadataFailures = 0, List<CreateTopicReport>?[]? createAnswers = null)
        {
            var admin = Create<IAdminClient, ScriptedAdmin>();
            var self = (ScriptedAdmin)(object)admin;
            self._metadataFailures = metadataFailures;
            self._createAnswers = new Queue<List<CreateTopicReport>?>(createAnswers ?? []);
            return admin;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            switch (method!.Name)
            {
                case nameof(IAdminClient.GetMetadata):
                    MetadataCalls++;
                    if (MetadataCalls <= _metadataFailures)
                        throw new KafkaException(new Error(ErrorCode.Local_Transport, "Disconnected: connection closed by peer"));
                    return new Metadata([], [], 1, "broker");
                case nameof(IAdminClient.CreateTopicsAsync):
                    CreateRequests.Add(((IEnumerable<TopicSpecification>)args![0]!).Select(t => t.Name).ToArray());
                    var answer = _createAnswers.Dequeue();
                    if (answer is null) return Task.FromException(new KafkaException(new Error(ErrorCode.Local_Transport, "Disconnected")));
                    return answer.Any(r => r.Error.Code != ErrorCode.NoError)
                        ? Task.FromException(new CreateTopicsException(answer))
                        : Task.CompletedTask;
                default:
                    throw new NotSupportedException(method.Name);
            }
        }
    }
}
