using System.Diagnostics;
using ChatStreams.Kafka.Broker.Tests.Support;

namespace ChatStreams.Kafka.Broker.Tests.Client;

/// <summary>
/// kcat is a second client (Debian's librdkafka, an older version than Confluent.Kafka's, so other API
/// versions): produce, consume to end of partition, metadata. .ci/run installs it.
/// </summary>
public sealed class KcatTests
{
    private static async Task<(int Exit, string Out, string Err)> KcatAsync(string stdin, params string[] args)
    {
        var info = new ProcessStartInfo("kcat") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info) ?? throw new InvalidOperationException("kcat did not start");
        await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    private static bool KcatInstalled() =>
        Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(d => File.Exists(Path.Combine(d, "kcat")));

    [Fact]
    public async Task Kcat_produces_and_consumes_to_the_end_of_the_partition()
    {
        Assert.True(KcatInstalled(), "kcat is not installed: run .ci/run (it installs the Debian package kcat)");
        await using var broker = await InProcessBroker.StartAsync();
        await broker.CreateTopicAsync("kcat", 1);
        var lines = string.Join('\n', Enumerable.Range(1, 100).Select(i => $"k{i}:line {i}")) + "\n";
        var produce = await KcatAsync(lines, "-b", broker.BootstrapServers, "-P", "-t", "kcat", "-K:", "-X", "enable.idempotence=true");
        Assert.True(produce.Exit == 0, produce.Err);

        foreach (var isolation in new[] { "read_uncommitted", "read_committed" })
        {
            // -e: exit at the end of the partition, so this also proves end-of-partition detection works.
            var consume = await KcatAsync("", "-b", broker.BootstrapServers, "-C", "-t", "kcat", "-o", "beginning", "-e",
                "-f", "%k=%s@%o\\n", "-X", $"isolation.level={isolation}");
            Assert.True(consume.Exit == 0, consume.Err);
            var got = consume.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(Enumerable.Range(1, 100).Select(i => $"k{i}=line {i}@{i - 1}"), got);
            Assert.DoesNotContain("PROTOERR", consume.Err);
        }

        var metadata = await KcatAsync("", "-b", broker.BootstrapServers, "-L", "-t", "kcat");
        Assert.Contains("topic \"kcat\" with 1 partitions", metadata.Out);
    }
}
