using System.Diagnostics;
using System.Text;
using ChatStreams.Streams.Runtime;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.Testing;
using Confluent.Kafka;

namespace ChatStreams.Streams.Tests.Testing;

/// <summary>
/// Trace context through a topology: a record carrying a W3C traceparent is processed in a span that is its child, and
/// what the topology produces (here after a stateful count, which also writes a changelog) carries that span's
/// context; the input's other headers pass through. Without a listener nothing is added.
/// </summary>
public sealed class RecordTracingTests
{
    private const string Parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static Headers WithParent()
    {
        var headers = new Headers { { "traceparent", Encoding.ASCII.GetBytes(Parent) }, { "origin", Encoding.ASCII.GetBytes("edge-0") } };
        return headers;
    }

    [Fact]
    public void Outputs_carry_the_context_of_the_span_that_processed_their_input()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "ChatStreams.Streams",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) spans.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);

        using var driver = new TopologyTestDriver(WordCountTopology.Build(), new StreamsConfig { ApplicationId = "traced" });
        driver.CreateInputTopic("words", Serdes.String, Serdes.String).PipeInput("chat", "x", WithParent());
        var output = driver.CreateOutputTopic("word-counts", Serdes.String, Serdes.Long).ReadRecordsToList().Single();

        var span = Assert.Single(spans, s => s.OperationName == "process words");
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", span.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", span.ParentSpanId.ToHexString());
        Assert.Equal("traced", span.GetTagItem("messaging.consumer.group.name"));
        Assert.True(output.Headers!.TryGetLastBytes("traceparent", out var produced));
        Assert.Equal($"00-0af7651916cd43dd8448eb211c80319c-{span.SpanId.ToHexString()}-01", Encoding.ASCII.GetString(produced));
        Assert.Single(output.Headers!, h => h.Key == "traceparent"); // replaced, not appended
        Assert.True(output.Headers!.TryGetLastBytes("origin", out var origin));
        Assert.Equal("edge-0", Encoding.ASCII.GetString(origin));
    }

    [Fact]
    public void Without_a_listener_the_headers_pass_through_untouched()
    {
        using var driver = new TopologyTestDriver(WordCountTopology.Build(), new StreamsConfig { ApplicationId = "untraced" });
        driver.CreateInputTopic("words", Serdes.String, Serdes.String).PipeInput("chat", "x", WithParent());
        var output = driver.CreateOutputTopic("word-counts", Serdes.String, Serdes.Long).ReadRecordsToList().Single();
        Assert.True(output.Headers!.TryGetLastBytes("traceparent", out var produced));
        Assert.Equal(Parent, Encoding.ASCII.GetString(produced));
    }
}
