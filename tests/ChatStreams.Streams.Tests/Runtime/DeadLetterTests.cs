using System.Buffers.Binary;
using System.Text;
using ChatStreams.Streams.Runtime;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.Tests.Runtime.Support;
using Xunit.Abstractions;

namespace ChatStreams.Streams.Tests.Runtime;

/// <summary>Unreadable input on the embedded broker: dead-lettered with the reason, or the application stops.</summary>
public sealed class DeadLetterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TestOutputLoggerFactory _loggers = new(output);

    private static Topology Longs() => new Topology()
        .AddSource("in", Serdes.String, Serdes.Long, "readings")
        .AddProcessor<string, long, string, long>("pass", () => new TestTopologies.PassThrough<string, long>(), "in")
        .AddSink("out", "accepted", Serdes.String, Serdes.Long, "pass");

    private static byte[] Long(long v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, v);
        return b;
    }

    /// <summary>Offsets 0..9 on one partition; 3 and 7 are not 8-byte longs.</summary>
    private static async Task<EmbeddedKafka> KafkaWithReadings()
    {
        var kafka = await EmbeddedKafka.StartAsync();
        await kafka.CreateTopicAsync("readings", 1);
        await kafka.CreateTopicAsync("accepted", 1);
        kafka.ProduceBytes("readings", Enumerable.Range(0, 10).Select(i =>
            ((byte[]?)Encoding.UTF8.GetBytes($"sensor{i}"), (byte[]?)(i is 3 or 7 ? Encoding.UTF8.GetBytes("n/a") : Long(i)))));
        return kafka;
    }

    [Fact]
    public async Task Unreadable_records_go_to_the_dead_letter_topic_with_the_reason_and_the_rest_is_processed()
    {
        await using var kafka = await KafkaWithReadings();
        using var state = new TempDirectory();
        await using var streams = new KafkaStreams(Longs(), kafka.Config("meter", state.Path), _loggers);
        await streams.StartAsync();

        var accepted = kafka.ReadCommitted("accepted", 8, Patience);
        Assert.Equal([0L, 1, 2, 4, 5, 6, 8, 9], accepted.Select(r => BinaryPrimitives.ReadInt64BigEndian(r.Message.Value)));

        var dead = kafka.ReadCommitted("meter-dlq", 2, Patience);
        Assert.Equal(2, dead.Count);
        foreach (var (record, offset) in dead.OrderBy(r => Header(r, DeadLetterHeaders.Offset)).Zip(new[] { "3", "7" }))
        {
            Assert.Equal("n/a", Encoding.UTF8.GetString(record.Message.Value!)); // the original bytes, untouched
            Assert.Equal($"sensor{offset}", Encoding.UTF8.GetString(record.Message.Key!));
            Assert.Equal("readings", Header(record, DeadLetterHeaders.Topic));
            Assert.Equal("0", Header(record, DeadLetterHeaders.Partition));
            Assert.Equal(offset, Header(record, DeadLetterHeaders.Offset));
            Assert.Equal("0_0", Header(record, DeadLetterHeaders.TaskId));
            Assert.Contains("8 bytes", Header(record, DeadLetterHeaders.Reason));
        }
        Assert.Equal(KafkaStreamsState.Running, streams.State);
        await Eventually.TrueAsync(() => kafka.CommittedAsync("meter", "readings").Result == 10, Patience, "all 10 input offsets committed");
    }

    [Fact]
    public async Task With_the_fail_policy_an_unreadable_record_stops_the_application_before_it()
    {
        await using var kafka = await KafkaWithReadings();
        using var state = new TempDirectory();
        await using var streams = new KafkaStreams(Longs(), kafka.Config("strict", state.Path,
            c => c.DeserializationErrors = DeserializationErrorPolicy.Fail), _loggers);
        await streams.StartAsync();

        await Eventually.StateAsync(streams, KafkaStreamsState.Error, Patience);

        var error = Assert.IsType<StreamTaskException>(streams.FatalError);
        Assert.Contains("readings[0]@3", error.Message);
        Assert.IsType<SerializationException>(error.InnerException);
        // Nothing at or past the bad record was committed; no dead-letter topic exists under this policy.
        Assert.True(await kafka.CommittedAsync("strict", "readings") <= 3);
        Assert.DoesNotContain("strict-dlq", kafka.Topics().Keys);
        Assert.All(kafka.ReadCommitted("accepted", 3, TimeSpan.FromSeconds(3)),
            r => Assert.True(BinaryPrimitives.ReadInt64BigEndian(r.Message.Value) < 3));
    }

    private static string Header(Confluent.Kafka.ConsumeResult<byte[]?, byte[]?> record, string name) =>
        Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(name));
}
