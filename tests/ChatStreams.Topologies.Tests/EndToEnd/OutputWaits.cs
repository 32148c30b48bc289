using ChatStreams.Contracts;
using ChatStreams.Topologies.FanOut;

namespace ChatStreams.Topologies.Tests.EndToEnd;

/// <summary>The waits of the end-to-end tests: on what the topologies wrote, never on time alone.</summary>
public static class OutputWaits
{
    /// <summary>Polls the tail until <paramref name="condition"/> holds; false (or a TimeoutException) when it did not in time.</summary>
    public static bool Until(OutputTail tail, Func<bool> condition, TimeSpan timeout, string what, bool throwOnTimeout = true)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                if (throwOnTimeout) throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}; visible: {tail.Outputs.Describe()}");
                return false;
            }
            tail.Poll(TimeSpan.FromMilliseconds(500));
        }
        return true;
    }

    /// <summary>Reads on until two seconds pass without a new record (late duplicates would show up here too).</summary>
    public static void Quiet(OutputTail tail)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var quiet = 0;
        while (quiet < 4 && DateTime.UtcNow < deadline)
            quiet = tail.Poll(TimeSpan.FromMilliseconds(500)) == 0 ? quiet + 1 : 0;
    }

    /// <summary>
    /// The fan-out committed its reading of every Connect (with EOS: its sessions table holds them), so no message can
    /// be routed before its recipients' connections are known.
    /// </summary>
    public static async Task SessionTableAsync(EmbeddedKafka kafka, IReadOnlyDictionary<int, long> lastOffsets, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var committed = await kafka.CommittedAsync(FanOutTopology.ApplicationId, Topics.ChatSessions);
            if (lastOffsets.All(p => committed.GetValueOrDefault(p.Key, -1) > p.Value)) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the fan-out did not commit chat.sessions within {timeout.TotalSeconds:0} s");
            await Task.Delay(100);
        }
    }
}
