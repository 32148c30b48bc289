using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace ChatStreams.Bench.Edge;

/// <summary>
/// When a freshly started ChatStreams is ready to measure: every edge healthy behind the gateway, and the sequencer
/// deciding (the topologies join their consumer groups after `up` announces itself). Shared by `bench edge` and `bench load`.
/// </summary>
public static class ChatSystemReadiness
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Waits until /gateway/status shows every edge probed healthy and available; returns how many there are.</summary>
    public static async Task<int> WaitForEdgesAsync(ChatRestClient api, ChatUpProcess? up, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        GatewayStatus? last = null;
        string? failure = null;
        while (true)
        {
            try
            {
                last = await api.StatusAsync(ct);
                if (last.AllReady) return last.Edges;
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                failure = e.Message;
            }
            if (deadline.Elapsed > ReadyTimeout)
                throw new TimeoutException($"{api.GatewayUrl}/gateway/status did not show every edge healthy within {ReadyTimeout.TotalSeconds:0} s " +
                                           $"(last: {(last is null ? failure ?? "no answer" : $"{last.Ready} of {last.Edges} ready")}){HostLog(up)}");
            await Task.Delay(200, ct);
        }
    }

    /// <summary>Until the sequencer runs, a REST change answers 202 (pending): waits for a conversation of two new users to be created end to end (201).</summary>
    public static async Task WaitForSequencerAsync(ChatRestClient api, ChatUpProcess? up, BenchAccount creator, BenchAccount other, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var (status, _, body) = await api.CreateConversationAsync(creator, "direct", null, [other], ct);
            if (status is HttpStatusCode.Created or HttpStatusCode.OK) return;
            if (status != HttpStatusCode.Accepted)
                throw new InvalidOperationException($"creating a conversation through {api.GatewayUrl} answered {(int)status}: {body}");
            if (deadline.Elapsed > ReadyTimeout)
                throw new TimeoutException($"the sequencer did not decide a conversation creation within {ReadyTimeout.TotalSeconds:0} s (still 202){HostLog(up)}");
            await Task.Delay(500, ct);
        }
    }

    public static string HostLog(ChatUpProcess? up) => up is null ? "" : $"; the host's last output:\n{up.RecentLog()}";
}
