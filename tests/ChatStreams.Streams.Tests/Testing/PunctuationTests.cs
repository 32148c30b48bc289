using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.Testing;

namespace ChatStreams.Streams.Tests.Testing;

public class PunctuationTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_000_000);

    /// <summary>Emits one record per punctuation, with the time it was called with and what the context says then.</summary>
    private sealed class Ticker(PunctuationType type, TimeSpan interval, int cancelAfter = int.MaxValue) : IProcessor<string, string, string, string>
    {
        private IProcessorContext<string, string> _context = null!;
        private int _ticks;

        public void Init(IProcessorContext<string, string> context)
        {
            _context = context;
            ICancellable? schedule = null;
            schedule = context.Schedule(interval, type, time =>
            {
                _context.Forward(new Record<string, string>("tick", $"{time} meta={(_context.RecordMetadata is null ? "none" : "set")}", time));
                if (++_ticks >= cancelAfter) schedule!.Cancel();
            });
        }

        public void Process(Record<string, string> record) { }
    }

    private static (TopologyTestDriver Driver, TestInputTopic<string, string> Input, TestOutputTopic<string, string> Ticks) Run(Ticker ticker)
    {
        var topology = new Topology()
            .AddSource("src", Serdes.String, Serdes.String, "in")
            .AddProcessor("ticker", () => ticker, "src")
            .AddSink("out", "ticks", Serdes.String, Serdes.String, "ticker");
        var driver = new TopologyTestDriver(topology, initialWallClock: Start);
        return (driver, driver.CreateInputTopic("in", Serdes.String, Serdes.String), driver.CreateOutputTopic("ticks", Serdes.String, Serdes.String));
    }

    [Fact]
    public void Stream_time_punctuation_fires_as_records_move_stream_time_across_interval_boundaries()
    {
        var (driver, input, ticks) = Run(new Ticker(PunctuationType.StreamTime, TimeSpan.FromSeconds(10)));
        using var _ = driver;
        Assert.True(ticks.IsEmpty);

        input.PipeInput("k", "v", 3_000); // first data: aligned to 0, fires at once
        Assert.Equal(["3000 meta=none"], ticks.ReadValuesToList());
        input.PipeInput("k", "v", 9_999);
        Assert.True(ticks.IsEmpty);
        input.PipeInput("k", "v", 10_000);
        Assert.Equal(["10000 meta=none"], ticks.ReadValuesToList());
        input.PipeInput("k", "v", 5_000); // older record: stream time stays 10 000
        Assert.True(ticks.IsEmpty);
        input.PipeInput("k", "v", 47_000); // a gap: fires once, not for every missed interval
        Assert.Equal(["47000 meta=none"], ticks.ReadValuesToList());
        input.PipeInput("k", "v", 49_000);
        Assert.True(ticks.IsEmpty);
        input.PipeInput("k", "v", 50_000);
        Assert.Equal(["50000 meta=none"], ticks.ReadValuesToList());
    }

    [Fact]
    public void Wall_clock_punctuation_fires_only_when_the_driver_clock_moves()
    {
        var (driver, input, ticks) = Run(new Ticker(PunctuationType.WallClockTime, TimeSpan.FromMinutes(1)));
        using var _ = driver;
        var start = Start.ToUnixTimeMilliseconds();
        input.PipeInput("k", "v", 999_999_999);
        Assert.True(ticks.IsEmpty);

        driver.AdvanceWallClockTime(TimeSpan.FromSeconds(59));
        Assert.True(ticks.IsEmpty);
        driver.AdvanceWallClockTime(TimeSpan.FromSeconds(1));
        Assert.Equal([$"{start + 60_000} meta=none"], ticks.ReadValuesToList());
        // A long jump fires once (like Kafka Streams), then the schedule continues from the new time.
        driver.AdvanceWallClockTime(TimeSpan.FromMinutes(5));
        Assert.Equal([$"{start + 360_000} meta=none"], ticks.ReadValuesToList());
        driver.AdvanceWallClockTime(TimeSpan.FromMinutes(1));
        Assert.Equal([$"{start + 420_000} meta=none"], ticks.ReadValuesToList());
        Assert.Equal(Start.AddMinutes(7), driver.WallClock);
    }

    [Fact]
    public void A_cancelled_punctuation_stops()
    {
        var (driver, _, ticks) = Run(new Ticker(PunctuationType.WallClockTime, TimeSpan.FromSeconds(1), cancelAfter: 2));
        using var __ = driver;
        for (var i = 0; i < 5; i++) driver.AdvanceWallClockTime(TimeSpan.FromSeconds(1));
        Assert.Equal(2, ticks.QueueSize);
    }

    [Fact]
    public void The_wall_clock_cannot_go_back()
    {
        var (driver, _, _) = Run(new Ticker(PunctuationType.WallClockTime, TimeSpan.FromSeconds(1)));
        using var _ = driver;
        Assert.Throws<ArgumentOutOfRangeException>(() => driver.AdvanceWallClockTime(TimeSpan.FromSeconds(-1)));
    }

    private sealed class BadInterval : IProcessor<string, string, string, string>
    {
        public void Init(IProcessorContext<string, string> context) => context.Schedule(TimeSpan.Zero, PunctuationType.StreamTime, _ => { });
        public void Process(Record<string, string> record) { }
    }

    [Fact]
    public void A_zero_interval_is_rejected_at_init()
    {
        var topology = new Topology().AddSource("src", Serdes.String, Serdes.String, "in").AddProcessor("p", () => new BadInterval(), "src");
        var e = Assert.Throws<ChatStreams.Streams.Runtime.StreamTaskException>(() => new TopologyTestDriver(topology));
        Assert.Contains("at least 1 ms", e.Message);
        Assert.Contains("Init of processor 'p'", e.Message);
    }
}
