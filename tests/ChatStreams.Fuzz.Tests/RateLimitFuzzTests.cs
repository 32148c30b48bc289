using System.Text;
using ChatStreams.Fuzz.Tests.Support;
using Xunit.Abstractions;

namespace ChatStreams.Fuzz.Tests;

/// <summary>
/// Per-user frame limits hold under a fuzz burst: one user on several sockets (both edges may be hit) gets no more
/// frames through than the per-user bucket allows at each edge, and every surplus frame is answered rate_limited.
/// </summary>
[Collection(FuzzSystemCollection.Name)]
public sealed class RateLimitFuzzTests(FuzzSystem system, ITestOutputHelper output)
{
    // Edge defaults (docs/protocol.md §9): per user 40/s with a burst of 80, at each edge.
    private const int UserPerSecond = 40;
    private const int UserBurst = 80;

    [Fact]
    public async Task A_burst_from_many_sockets_of_one_user_stays_within_the_users_bucket_per_edge()
    {
        var user = await FuzzAccount.RegisterAsync(system, "burst");
        var sockets = new List<FuzzSocket>();
        for (var i = 0; i < 4; i++) sockets.Add(await user.ConnectAsync());
        try
        {
            var edges = sockets.Select(s => FuzzSocket.Str(s.Frames[0], "edge")).Distinct().Count();
            var from = sockets.Select(s => s.Count).ToList();
            var random = FuzzSettings.For("rate");
            const int perSocket = 150;
            var started = DateTime.UtcNow;
            await Task.WhenAll(sockets.Select(async s =>
            {
                for (var i = 0; i < perSocket; i++)
                    await s.SendAsync(Encoding.UTF8.GetBytes(random.Next(3) == 0 ? "{\"type\":\"ping\"" : "{\"type\":\"ping\"}"));
            }));
            var elapsed = DateTime.UtcNow - started;
            // Every frame gets exactly one answer: pong, bad_frame (the broken ones) or rate_limited.
            var answers = new List<string>();
            for (var s = 0; s < sockets.Count; s++)
            {
                var socket = sockets[s];
                var deadline = DateTime.UtcNow.AddSeconds(30);
                while (Answered(socket, from[s]).Count < perSocket && DateTime.UtcNow < deadline) await Task.Delay(50);
                answers.AddRange(Answered(socket, from[s]));
                Assert.False(socket.Closed, $"socket {s} closed: {socket.CloseStatus} {socket.CloseDescription}");
            }
            Assert.Equal(perSocket * sockets.Count, answers.Count);
            var served = answers.Count(a => a != "rate_limited");
            var allowed = edges * (UserBurst + UserPerSecond * (elapsed.TotalSeconds + 1));
            output.WriteLine($"{answers.Count} frames from {sockets.Count} sockets on {edges} edge(s) in {elapsed.TotalMilliseconds:0} ms: {served} served, {answers.Count - served} rate_limited (allowed at most {allowed:0})");
            Assert.True(served <= allowed, $"{served} frames served, more than the user's buckets allow ({allowed:0})");
            Assert.Contains("rate_limited", answers);
            await system.AssertNothingCrashedAsync();
        }
        finally
        {
            foreach (var socket in sockets) await socket.DisposeAsync();
        }
    }

    private static List<string> Answered(FuzzSocket socket, int from) => socket.Frames.Skip(from)
        .Select(f => FuzzSocket.Type(f) == "pong" ? "pong" : FuzzSocket.Type(f) == "error" ? FuzzSocket.Str(f, "code") ?? "?" : null)
        .OfType<string>().ToList();
}
