using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.Tests.Runtime.Support;
using Xunit.Abstractions;

namespace ChatStreams.Streams.Tests.Runtime;

/// <summary>Wall-clock punctuation in the running application follows the injected TimeProvider.</summary>
public sealed class WallClockPunctuationTests(ITestOutputHelper output)
{
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;
        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);
        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    /// <summary>Emits ("tick", wall-clock time) every minute, whether records arrive or not.</summary>
    private sealed class Ticker : IProcessor<string, string, string, string>
    {
        public void Init(IProcessorContext<string, string> context) =>
            context.Schedule(TimeSpan.FromMinutes(1), PunctuationType.WallClockTime,
                now => context.Forward(new Record<string, string>("tick", now.ToString(), now)));

        public void Process(Record<string, string> record) { }
    }

    [Fact]
    public async Task Wall_clock_punctuations_fire_when_the_injected_clock_advances_and_commit_their_output()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        await kafka.CreateTopicAsync("heartbeat-in", 1);
        await kafka.CreateTopicAsync("ticks", 1);
        var clock = new ManualClock(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var topology = new Topology()
            .AddSource("in", Serdes.String, Serdes.String, "heartbeat-in")
            .AddProcessor<string, string, string, string>("ticker", () => new Ticker(), "in")
            .AddSink("out", "ticks", Serdes.String, Serdes.String, "ticker");
        await using var streams = new KafkaStreams(topology, kafka.Config("clock", state.Path), new TestOutputLoggerFactory(output), clock);
        await streams.StartAsync();
        await Eventually.StateAsync(streams, KafkaStreamsState.Running, TimeSpan.FromSeconds(60));

        Assert.Empty(kafka.ReadCommitted("ticks", 1, TimeSpan.FromSeconds(2))); // the clock stands still: no tick
        clock.Advance(TimeSpan.FromSeconds(61));
        var ticks = kafka.ReadCommitted("ticks", 1, TimeSpan.FromSeconds(30));

        var tick = Assert.Single(ticks);
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(), System.Text.Encoding.UTF8.GetString(tick.Message.Value!));
    }
}
