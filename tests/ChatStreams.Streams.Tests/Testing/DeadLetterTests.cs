using System.Text;
using ChatStreams.Streams.Runtime;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.Testing;
using Confluent.Kafka;

namespace ChatStreams.Streams.Tests.Testing;

public class DeadLetterTests
{
    private static Topology LongPassThrough() => new Topology()
        .AddSource("numbers-source", Serdes.String, Serdes.Long, "numbers")
        .AddSink("out", "out", Serdes.String, Serdes.Long, "numbers-source");

    [Fact]
    public void Undeserializable_records_go_to_the_dead_letter_topic_and_processing_continues()
    {
        using var driver = new TopologyTestDriver(LongPassThrough(), new StreamsConfig { ApplicationId = "calc" });
        var good = driver.CreateInputTopic("numbers", Serdes.String, Serdes.Long);
        var raw = driver.CreateInputTopic("numbers", Serdes.String, Serdes.ByteArray);
        good.PipeInput("a", 1, 100);
        raw.PipeInput("b", "nope"u8.ToArray(), new Headers { { "origin", "edge-1"u8.ToArray() } }, 200);
        good.PipeInput("c", 3, 300);

        Assert.Equal([1L, 3L], driver.CreateOutputTopic("out", Serdes.String, Serdes.Long).ReadValuesToList());
        var dead = Assert.Single(driver.GetDeadLetters());
        Assert.Equal("nope", Encoding.UTF8.GetString(dead.Value!));
        Assert.Equal("b", Encoding.UTF8.GetString(dead.Key!));
        Assert.Equal(200, dead.Timestamp);
        Assert.Equal("numbers", dead.SourceTopic);
        Assert.Equal(0, dead.SourcePartition);
        Assert.Equal(1, dead.SourceOffset);
        Assert.Equal("0_0", dead.TaskId);
        Assert.Contains("SerializationException", dead.Reason);
        Assert.Equal("edge-1"u8.ToArray(), dead.Headers.GetLastBytes("origin"));

        // The same record read as the dead-letter topic.
        Assert.Equal("calc-dlq", driver.DeadLetterTopic);
        var topic = driver.CreateOutputTopic(driver.DeadLetterTopic, Serdes.ByteArray, Serdes.ByteArray).ReadRecord();
        Assert.Equal("nope"u8.ToArray(), topic.Value);
        Assert.Equal("1", Encoding.UTF8.GetString(topic.Headers!.GetLastBytes(DeadLetterHeaders.Offset)));
    }

    [Fact]
    public void A_configured_dead_letter_topic_is_used()
    {
        using var driver = new TopologyTestDriver(LongPassThrough(), new StreamsConfig { ApplicationId = "calc", DeadLetterTopic = "poison" });
        driver.CreateInputTopic("numbers", Serdes.String, Serdes.String).PipeInput("k", "not eight bytes");
        Assert.Equal(1, driver.CreateOutputTopic("poison", Serdes.ByteArray, Serdes.ByteArray).QueueSize);
        Assert.Single(driver.GetDeadLetters());
    }

    [Fact]
    public void Fail_policy_throws_naming_topic_partition_and_offset()
    {
        using var driver = new TopologyTestDriver(LongPassThrough(), new StreamsConfig { ApplicationId = "calc", DeserializationErrors = DeserializationErrorPolicy.Fail });
        driver.CreateInputTopic("numbers", Serdes.String, Serdes.Long).PipeInput("a", 1);
        var e = Assert.Throws<StreamTaskException>(() => driver.CreateInputTopic("numbers", Serdes.String, Serdes.String).PipeInput("k", "bad"));
        Assert.Contains("numbers[0]@1", e.Message);
        Assert.Contains("numbers-source", e.Message);
        Assert.Contains("DeserializationErrors=DeadLetter", e.Message);
        Assert.Empty(driver.GetDeadLetters());
        Assert.Equal(1, driver.CreateOutputTopic("out", Serdes.String, Serdes.Long).QueueSize);
    }
}
