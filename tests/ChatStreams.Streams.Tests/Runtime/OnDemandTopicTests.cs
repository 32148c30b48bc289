using System.Reflection;
using ChatStreams.Contracts;
using ChatStreams.Streams.Runtime;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.Testing;
using ChatStreams.Streams.Tests.Runtime.Support;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace ChatStreams.Streams.Tests.Runtime;

/// <summary>
/// Topology.CreateTopicsOnDemand on the embedded broker (auto-create off): a per-record sink's topics are created
/// from the topology's spec before their first record, existing topics are left as they are, a missing topic
/// without a spec fails clearly, and a topic deleted while the application runs is created again.
/// </summary>
public sealed class OnDemandTopicTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly string[] Keys = ["alice", "bob", "carol", "dave"];
    private readonly TestOutputLoggerFactory _loggers = new(output);

    private static TopicSpec? OutSpec(string name) =>
        name.StartsWith("out.", StringComparison.Ordinal) ? new TopicSpec(name, 3, 1, new Dictionary<string, string>()) : null;

    /// <summary>"messages" → "out.&lt;key&gt;", except a record whose value is "stray", which goes to "elsewhere".</summary>
    private static Topology PerKeyTopics() => new Topology()
        .AddSource("in", Serdes.String, Serdes.String, "messages")
        .AddSink<string, string>("out", r => r.Value == "stray" ? "elsewhere" : "out." + r.Key, Serdes.String, Serdes.String, "in")
        .CreateTopicsOnDemand(OutSpec);

    /// <summary>Per key "key:1" … "key:n" (the shape <see cref="CountOutput"/> checks), keys interleaved.</summary>
    private static List<(string Key, string Value)> Numbered(int perKey) =>
        Enumerable.Range(1, perKey).SelectMany(i => Keys.Select(k => (k, $"{k}:{i}"))).ToList();

    [Fact]
    public async Task Topics_a_sink_writes_are_created_from_the_spec_and_every_record_arrives_once_in_order()
    {
        const int perKey = 300;
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        await kafka.CreateTopicAsync("messages", 2);
        kafka.Produce("messages", Numbered(perKey));

        // Two threads: both create topics at the same time through the instance's shared creator.
        await using var streams = new KafkaStreams(PerKeyTopics(), kafka.Config("fanout", state.Path, c => c.NumStreamThreads = 2), _loggers);
        await streams.StartAsync();

        foreach (var key in Keys)
        {
            var topic = "out." + key;
            await Eventually.TrueAsync(() => kafka.Topics().ContainsKey(topic), Patience, $"{topic} created");
            Assert.Equal(3, kafka.Topics()[topic]);
            var records = kafka.ReadCommitted(topic, perKey, Patience);
            Assert.Single(records.Select(r => r.Partition.Value).Distinct()); // one key, one partition: offsets are the order
            CountOutput.AssertExactlyOnce(records, new Dictionary<string, int> { [key] = perKey });
        }
        Assert.Equal(KafkaStreamsState.Running, streams.State);
        Assert.Equal(0, _loggers.Errors); // no failed transaction, no rebuilt task
        Assert.DoesNotContain("elsewhere", kafka.Topics().Keys);
    }

    [Fact]
    public async Task An_existing_topic_is_used_as_it_is_even_when_its_spec_differs()
    {
        const int perKey = 50;
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        await kafka.CreateTopicAsync("messages", 1);
        await kafka.CreateTopicAsync("out.alice", 1); // the spec says 3
        kafka.Produce("out.alice", [("marker", "marker:1")]);
        kafka.Produce("messages", Numbered(perKey));

        await using var streams = new KafkaStreams(PerKeyTopics(), kafka.Config("keep", state.Path), _loggers);
        await streams.StartAsync();

        // The topic kept its partition count and the record written before the application started (not recreated).
        var alice = kafka.ReadCommitted("out.alice", perKey + 1, Patience);
        CountOutput.AssertExactlyOnce(alice, new Dictionary<string, int> { ["alice"] = perKey, ["marker"] = 1 });
        Assert.Equal(1, kafka.Topics()["out.alice"]);
        Assert.Equal(3, kafka.Topics()["out.bob"]);
        CountOutput.AssertExactlyOnce(kafka.ReadCommitted("out.bob", perKey, Patience), new Dictionary<string, int> { ["bob"] = perKey });
        Assert.Equal(0, _loggers.Errors);
    }

    [Fact]
    public async Task A_missing_topic_without_a_spec_is_not_created_and_stops_the_application_naming_it()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        await kafka.CreateTopicAsync("messages", 1);
        // Offsets 0..9 fine, 10 goes to "elsewhere", which the spec function answers null for.
        kafka.Produce("messages", Enumerable.Range(1, 10).Select(i => ("alice", $"alice:{i}")).Append(("alice", "stray")));

        await using var streams = new KafkaStreams(PerKeyTopics(), kafka.Config("strayed", state.Path), _loggers);
        await streams.StartAsync();
        await Eventually.StateAsync(streams, KafkaStreamsState.Error, TimeSpan.FromSeconds(120));

        // The poison record fails every retry; the thread gives up and says which topic and which record.
        var error = Assert.IsType<StreamThreadFailedException>(streams.FatalError);
        Assert.Contains("topic elsewhere does not exist and CreateTopicsOnDemand gives no spec for it", error.Message);
        var failure = Assert.IsType<StreamTaskException>(error.InnerException);
        Assert.Equal("out", failure.ProcessorName);
        Assert.Equal(10, failure.Record!.Offset);
        Assert.Contains("messages[0]@10", failure.Message);
        Assert.DoesNotContain("elsewhere", kafka.Topics().Keys);
        // Nothing at or past the stray record was committed; what came before it is in out.alice at most once.
        Assert.True(await kafka.CommittedAsync("strayed", "messages") <= 10);
        var written = CountOutput.Sequences(kafka.ReadToEnd("out.alice")).GetValueOrDefault("alice", []);
        Assert.Equal(Enumerable.Range(1, written.Count), written);
    }

    [Fact]
    public async Task A_topic_deleted_while_the_application_runs_is_created_again()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        await kafka.CreateTopicAsync("messages", 1);
        kafka.Produce("messages", Enumerable.Range(1, 20).Select(i => ("alice", $"alice:{i}")));
        // Records to a deleted topic fail only when they time out: with the transaction timeout (10 s instead of 60 s).
        await using var streams = new KafkaStreams(PerKeyTopics(), kafka.Config("again", state.Path,
            c =>
            {
                c.Kafka.Extra["transaction.timeout.ms"] = "10000";
                c.Kafka.Extra["message.timeout.ms"] = "5000";
            }), _loggers);
        await streams.StartAsync();
        await Eventually.TrueAsync(() => kafka.Topics().ContainsKey("out.alice"), Patience, "out.alice created");
        Assert.Equal(20, kafka.ReadCommitted("out.alice", 20, Patience).Count);

        using (var admin = kafka.Admin()) await admin.DeleteTopicsAsync(["out.alice"]);
        await Eventually.TrueAsync(() => !kafka.Topics().ContainsKey("out.alice"), Patience, "out.alice deleted");
        kafka.Produce("messages", Enumerable.Range(21, 20).Select(i => ("alice", $"alice:{i}")));

        await Eventually.TrueAsync(() => kafka.Topics().ContainsKey("out.alice"), TimeSpan.FromSeconds(180), "out.alice created again");
        var again = kafka.ReadCommitted("out.alice", 20, TimeSpan.FromSeconds(180));
        Assert.Equal(Enumerable.Range(21, 20), CountOutput.Sequences(again)["alice"]);
        Assert.Equal(3, kafka.Topics()["out.alice"]);
        Assert.Equal(KafkaStreamsState.Running, streams.State);
    }

    [Fact]
    public async Task A_name_is_looked_up_once_then_remembered_until_forgotten()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        await kafka.CreateTopicAsync("out.existing", 2);
        using var inner = kafka.Admin();
        var admin = CountingAdmin.Wrap(inner);
        var asked = new List<string>();
        var creator = new OnDemandTopicCreator(admin, name => { asked.Add(name); return OutSpec(name); }, ["messages"], NullLogger.Instance);

        for (var i = 0; i < 1000; i++)
        {
            creator.EnsureExists("messages");
            creator.EnsureExists("out.existing");
            creator.EnsureExists("out.fresh");
        }

        Assert.Equal(["out.fresh"], asked); // the function is asked only for the missing topic
        Assert.Equal(2, kafka.Topics()["out.existing"]);
        Assert.Equal(3, kafka.Topics()["out.fresh"]);
        var lookups = CountingAdmin.Lookups(admin);
        Assert.InRange(lookups, 3, 10); // out.existing once, out.fresh before and after creating: not per record

        creator.Forget("out.existing");
        creator.EnsureExists("out.existing");
        creator.EnsureExists("out.existing");
        Assert.Equal(lookups + 1, CountingAdmin.Lookups(admin));
        Assert.Equal(["out.fresh"], asked);
    }

    [Fact]
    public async Task A_spec_function_that_throws_or_names_another_topic_fails_with_the_topic_name()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var admin = kafka.Admin();
        var throwing = new OnDemandTopicCreator(admin, _ => throw new FormatException("no edge id in it"), [], NullLogger.Instance);
        var misnamed = new OnDemandTopicCreator(admin, _ => new TopicSpec("out.other", 3, 1, new Dictionary<string, string>()), [], NullLogger.Instance);

        var thrown = Assert.Throws<InvalidOperationException>(() => throwing.EnsureExists("out.broken"));
        Assert.Contains("topic out.broken does not exist and the CreateTopicsOnDemand function threw for it: no edge id in it", thrown.Message);
        Assert.IsType<FormatException>(thrown.InnerException);
        var wrongName = Assert.Throws<InvalidOperationException>(() => misnamed.EnsureExists("out.mine"));
        Assert.Contains("spec named out.other for topic out.mine", wrongName.Message);
        Assert.DoesNotContain("out.broken", kafka.Topics().Keys);
        Assert.DoesNotContain("out.other", kafka.Topics().Keys);
    }

    [Fact]
    public void The_test_driver_writes_per_record_topics_without_creating_anything()
    {
        using var driver = new TopologyTestDriver(PerKeyTopics(), initialWallClock: DateTimeOffset.Parse("2030-01-01T00:00Z"));
        var input = driver.CreateInputTopic("messages", Serdes.String, Serdes.String);
        input.PipeInput("alice", "alice:1", 1_000);
        input.PipeInput("bob", "bob:1", 2_000);
        input.PipeInput("alice", "stray", 3_000); // no spec, but the driver's topics always exist

        Assert.Equal([new KeyValuePair<string, string>("alice", "alice:1")],
            driver.CreateOutputTopic("out.alice", Serdes.String, Serdes.String).ReadKeyValuesToList());
        Assert.Equal(["bob:1"], driver.CreateOutputTopic("out.bob", Serdes.String, Serdes.String).ReadValuesToList());
        Assert.Equal(["stray"], driver.CreateOutputTopic("elsewhere", Serdes.String, Serdes.String).ReadValuesToList());
    }

    /// <summary>An admin client that counts metadata look-ups and passes every call on to a real one.</summary>
    public class CountingAdmin : DispatchProxy
    {
        private IAdminClient _inner = null!;
        private int _lookups;

        public static IAdminClient Wrap(IAdminClient inner)
        {
            var proxy = Create<IAdminClient, CountingAdmin>();
            ((CountingAdmin)(object)proxy)._inner = inner;
            return proxy;
        }

        public static int Lookups(IAdminClient proxy) => Volatile.Read(ref ((CountingAdmin)(object)proxy)._lookups);

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            if (method!.Name == nameof(IAdminClient.GetMetadata)) Interlocked.Increment(ref _lookups);
            try { return method.Invoke(_inner, args); }
            catch (TargetInvocationException e) when (e.InnerException is not null) { throw e.InnerException; }
        }
    }
}
