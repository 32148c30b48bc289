using System.Net;
using System.Net.Http.Headers;
using ChatStreams.Fuzz.Tests.Mutations;
using ChatStreams.Fuzz.Tests.Support;
using Xunit.Abstractions;

namespace ChatStreams.Fuzz.Tests;

/// <summary>
/// Fuzzed REST bodies, query strings and path ids through the gateway: every answer is a success or a documented
/// problem (§13.2), never a 5xx; a stranger's requests leave the conversation as it was.
/// </summary>
[Collection(FuzzSystemCollection.Name)]
public sealed class RestFuzzTests(FuzzSystem system, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_fuzzed_request_gets_a_documented_answer_and_a_stranger_changes_nothing()
    {
        var alice = await FuzzAccount.RegisterAsync(system, "alice");
        var bob = await FuzzAccount.RegisterAsync(system, "bob");
        var mallory = await FuzzAccount.RegisterAsync(system, "mallory");
        var conversation = await alice.CreateConversationAsync("group", [bob], "fuzzed");
        var before = await alice.CallAsync(HttpMethod.Get, $"/api/conversations/{conversation}/messages?limit=200");
        Assert.Equal(HttpStatusCode.OK, before.Status);

        var mutator = new RestMutator(FuzzSettings.For("rest"));
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        for (var i = 0; i < FuzzSettings.Iterations; i++)
        {
            var fuzz = mutator.Next(conversation, bob.UserId);
            var answer = await SendAsync(mallory, fuzz);
            statuses[(int)answer.Status] = statuses.GetValueOrDefault((int)answer.Status) + 1;
            if (DocumentedErrors.CheckRest(answer) is { } problem) failures.Add($"{fuzz} {FuzzSettings.Describe(i)} → {problem}: {answer}");
        }
        output.WriteLine($"{FuzzSettings.Iterations} REST cases, seed {FuzzSettings.Seed}: statuses {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}; {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
        var after = await alice.CallAsync(HttpMethod.Get, $"/api/conversations/{conversation}/messages?limit=200");
        Assert.Equal(before.Body, after.Body);
        await system.AssertNothingCrashedAsync();
    }

    private async Task<HttpAnswer> SendAsync(FuzzAccount caller, RestCase fuzz)
    {
        using var request = new HttpRequestMessage(fuzz.Method, new Uri(system.GatewayUrl + fuzz.PathAndQuery, UriKind.Absolute));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", caller.Token);
        if (fuzz.Body is not null)
        {
            request.Content = new ByteArrayContent(fuzz.Body);
            if (!string.IsNullOrEmpty(fuzz.ContentType)) request.Content.Headers.TryAddWithoutValidation("Content-Type", fuzz.ContentType);
        }
        return await HttpAnswer.SendAsync(system.Http, request);
    }
}
