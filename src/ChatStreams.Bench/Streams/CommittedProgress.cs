using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ChatStreams.Bench.Streams;

/// <summary>
/// Watches a consumer group's committed offsets on the input (what a pipeline has finished, exactly once) and
/// times the run from the first commit to the one covering every input record — start-up (group join, restore)
/// is left out the same way for the runtime and the hand-written loop.
/// </summary>
public sealed class CommittedProgress(IAdminClient admin, string group, string topic, int partitions)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public async Task<PipelineRun> WaitForAsync(long total, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        TimeSpan? firstAt = null;
        long firstCommitted = 0;
        while (watch.Elapsed < timeout)
        {
            var committed = await CommittedAsync();
            if (committed > 0 && firstAt is null)
            {
                firstAt = watch.Elapsed;
                firstCommitted = committed;
            }
            if (committed >= total)
            {
                var seconds = (watch.Elapsed - firstAt!.Value).TotalSeconds;
                return new PipelineRun(total - firstCommitted, seconds, firstAt.Value.TotalSeconds);
            }
            await Task.Delay(PollInterval);
        }
        throw new TimeoutException($"group {group} committed fewer than {total:N0} records of {topic} within {timeout.TotalSeconds:0} s");
    }

    private async Task<long> CommittedAsync()
    {
        var request = new ConsumerGroupTopicPartitions(group, Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)).ToList());
        var result = await admin.ListConsumerGroupOffsetsAsync([request]);
        return result.Single().Partitions.Where(p => p.Offset.Value > 0).Sum(p => p.Offset.Value);
    }
}

/// <summary>One measured pass: records processed between the first and the last commit, that time, and the start-up before the first commit.</summary>
public sealed record PipelineRun(long Records, double Seconds, double StartupSeconds)
{
    public double RecordsPerSecond => Records / Seconds;
}
