using ChatStreams.Streams.Tests.Runtime.Support;
using ChatStreams.Streams.Worker;
using Xunit.Abstractions;

namespace ChatStreams.Streams.Tests.Runtime;

/// <summary>
/// The processing instance (tests/ChatStreams.Streams.Worker, a separate process) is killed with SIGKILL at random
/// points and restarted: no commit, no clean close, no leaving the group. Exactly-once must hold anyway: for every
/// key the committed output is key:1 … key:n once each, in order, and the final store state is n.
/// </summary>
public sealed class KillNineTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Count_of_100k_records_is_exactly_once_although_the_instance_is_killed_repeatedly()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        await kafka.CreateTopicAsync("clicks", 4);
        await kafka.CreateTopicAsync("click-counts", 4);
        const int total = 100_000, keys = 500;
        var expected = Enumerable.Range(0, keys).ToDictionary(k => $"user{k}", _ => total / keys);
        string[] args = [kafka.BootstrapServers, "clicker", "clicks", "click-counts", state.Path, "rocksdb", "2"];

        // The input arrives while the instances are killed and restarted, so the kills land mid-stream.
        var producing = Task.Run(async () =>
        {
            using var producer = kafka.StringProducer();
            const int chunk = 500; // a steady stream: a kill almost always lands inside an open transaction
            for (var start = 0; start < total; start += chunk)
            {
                EmbeddedKafka.Produce(producer, "clicks", Enumerable.Range(start, chunk).Select(i => ($"user{i % keys}", $"c{i}")));
                await Task.Delay(200);
            }
        });

        var random = new Random(20240611);
        var committedAtKill = new List<long>();
        while (!producing.IsCompleted || committedAtKill.Count < 5)
        {
            using var worker = WorkerProcess.Start(args);
            await worker.WaitForLineAsync(l => l == "state Running", TimeSpan.FromSeconds(120));
            await Task.Delay(random.Next(100, 1500)); // often while it still catches up the backlog of its downtime
            worker.Kill();
            committedAtKill.Add(await kafka.CommittedAsync("clicker", "clicks"));
            output.WriteLine($"killed worker {committedAtKill.Count}; {committedAtKill[^1]} input records committed; its log:");
            foreach (var line in worker.Output.Where(l => l.Contains("restored", StringComparison.Ordinal) || l.StartsWith("state", StringComparison.Ordinal)))
                output.WriteLine("  " + line);
        }
        await producing;
        // The kills landed at many different points of the stream, not all before the start or after the end.
        var midStream = committedAtKill.Where(c => c is > 0 and < total).Distinct().Count();
        Assert.True(midStream >= 3, $"only {midStream} kills landed mid-stream: {string.Join(", ", committedAtKill)}");

        using (var last = WorkerProcess.Start(args))
        {
            // Running: it owns and restored every task (a stop before that would leave the killed worker's files behind).
            await last.WaitForLineAsync(l => l == "state Running", TimeSpan.FromSeconds(120));
            var counts = kafka.ReadCommitted("click-counts", total, TimeSpan.FromMinutes(5));
            output.WriteLine($"read {counts.Count} committed outputs");
            CountOutput.AssertExactlyOnce(counts, expected);
            var stopped = last.Stop(TimeSpan.FromSeconds(60));
            foreach (var line in last.Output.Where(l => l.Contains("warn:") || l.Contains("fail:") || l.Contains("crit:") || l.Contains("closed")))
                output.WriteLine("last worker: " + line);
            Assert.True(stopped, "the last worker did not stop");
            Assert.Contains("closed cleanly in state NotRunning", last.Output);
        }

        // The store's changelog (what any restore rebuilds) ends at the expected counts.
        var changelog = kafka.ReadToEnd("clicker-counts-changelog");
        Assert.Equal(expected.ToDictionary(e => e.Key, e => (long)e.Value), CountOutput.ChangelogState(changelog));

        // And the local RocksDB stores the last worker left behind hold them too: reopened from their checkpoint
        // (nothing restored), one more record per key continues every count at n + 1.
        using var metrics = new MetricsCapture("clicker");
        await using var reopened = new KafkaStreams(CountTopology.Build("clicks", "click-counts", persistentStore: true),
            kafka.Config("clicker", state.Path), new TestOutputLoggerFactory(output));
        await reopened.StartAsync();
        kafka.Produce("clicks", Enumerable.Range(0, keys).Select(k => ($"user{k}", "last")));
        var all = kafka.ReadCommitted("click-counts", total + keys, TimeSpan.FromSeconds(90));
        CountOutput.AssertExactlyOnce(all, expected.ToDictionary(e => e.Key, e => e.Value + 1));
        Assert.Equal(0, metrics.Sum("chatstreams.streams.restore.records"));
    }

    [Fact]
    public async Task At_least_once_loses_nothing_when_the_instance_is_killed()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        await kafka.CreateTopicAsync("taps", 2);
        await kafka.CreateTopicAsync("tap-counts", 2);
        const int total = 20_000, keys = 100;
        string[] args = [kafka.BootstrapServers, "tapper", "taps", "tap-counts", state.Path, "memory", "1", "alos"];
        var producing = Task.Run(async () =>
        {
            using var producer = kafka.StringProducer();
            for (var start = 0; start < total; start += 500)
            {
                EmbeddedKafka.Produce(producer, "taps", Enumerable.Range(start, 500).Select(i => ($"t{i % keys}", "tap")));
                await Task.Delay(200);
            }
        });
        var random = new Random(7);
        for (var round = 0; round < 3; round++)
        {
            using var worker = WorkerProcess.Start(args);
            await worker.WaitForLineAsync(l => l == "state Running", TimeSpan.FromSeconds(120));
            await Task.Delay(random.Next(100, 1500));
            worker.Kill();
        }
        await producing;

        using var last = WorkerProcess.Start(args);
        await last.WaitForLineAsync(l => l == "state Running", TimeSpan.FromSeconds(120));
        await Eventually.TrueAsync(() => kafka.CommittedAsync("tapper", "taps").Result == total, TimeSpan.FromMinutes(3), "every input committed");
        Assert.True(last.Stop(TimeSpan.FromSeconds(60)));

        // Every input record produced an acknowledged output before its offset was committed: per key at least n
        // outputs and a final count of at least n. (Replays after a crash may count a record twice: at least once.)
        var sequences = CountOutput.Sequences(kafka.ReadToEnd("tap-counts"));
        Assert.Equal(keys, sequences.Count);
        Assert.All(sequences, s =>
        {
            Assert.True(s.Value.Count >= total / keys, $"{s.Key}: {s.Value.Count} outputs");
            Assert.True(s.Value.Max() >= total / keys, $"{s.Key}: final count {s.Value.Max()}");
        });
    }
}
