using System.Net;
using System.Text;
using System.Text.Json;
using ChatStreams.Fuzz.Tests.Support;
using Xunit.Abstractions;

namespace ChatStreams.Fuzz.Tests;

/// <summary>
/// The embedded schema registry `up` runs, fuzzed with bad schemas, subjects, versions, ids and settings (changes only
/// to subjects of its own, reads of the system's). Every answer is a documented Confluent error (docs/schema-registry.md),
/// never a 500, and the system's own subjects and their schemas are the same afterwards.
/// </summary>
[Collection(FuzzSystemCollection.Name)]
public sealed class RegistryFuzzTests(FuzzSystem system, ITestOutputHelper output)
{
    private static readonly Dictionary<int, HttpStatusCode> Documented = new()
    {
        [40401] = HttpStatusCode.NotFound, [40402] = HttpStatusCode.NotFound, [40403] = HttpStatusCode.NotFound, [40404] = HttpStatusCode.NotFound,
        [40405] = HttpStatusCode.NotFound, [40406] = HttpStatusCode.NotFound, [40407] = HttpStatusCode.NotFound, [40408] = HttpStatusCode.NotFound,
        [409] = HttpStatusCode.Conflict, [42201] = HttpStatusCode.UnprocessableEntity, [42202] = HttpStatusCode.UnprocessableEntity,
        [42203] = HttpStatusCode.UnprocessableEntity, [42204] = HttpStatusCode.UnprocessableEntity, [400] = HttpStatusCode.BadRequest,
        [404] = HttpStatusCode.NotFound, [405] = HttpStatusCode.MethodNotAllowed,
    };

    private static readonly string[] BadSchemas =
    [
        "", "{", "null", "42", "\"nonsense\"", "{\"type\":\"record\"}", "{\"type\":\"record\",\"name\":\"R\",\"fields\":7}",
        "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\",\"default\":\"x\"}]}",
        "{\"type\":\"record\",\"name\":\"1bad\",\"fields\":[]}", "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"A\"]}",
        "{\"type\":\"fixed\",\"name\":\"F\",\"size\":-1}", "{\"type\":\"map\"}", "{\"type\":\"array\",\"items\":\"Nope\"}",
        "[\"null\",\"null\"]", "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"R\"}]}x",
        "{\"type\":\"string\",\"logicalType\":\"uuid\"}\u0000", "\"\\ud800\"",
    ];

    private static readonly string[] OddSegments =
    [
        "0", "-2", "abc", "99999999999", "1.5", "%00", "%2F", "..", "%2e%2e%2f", "latest", "-1", "%F0%9F%91%8D", "%ED%A0%80", " ", "2147483648",
    ];

    [Fact]
    public async Task Every_fuzzed_registry_request_gets_a_documented_error_and_the_system_subjects_stay()
    {
        var http = system.Http;
        var registry = system.RegistryUrl;
        var snapshot = await SnapshotAsync();
        Assert.NotEmpty(snapshot);
        var random = FuzzSettings.For("registry");
        var failures = new List<string>();
        var subject = "fuzz-" + Guid.NewGuid().ToString("N")[..8];
        var valid = JsonSerializer.Serialize(new { schema = "{\"type\":\"record\",\"name\":\"F\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}" });
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, $"/subjects/{subject}/versions", valid)).Status);
        var existing = snapshot.Keys.ToList();

        for (var i = 0; i < FuzzSettings.Iterations; i++)
        {
            var odd = OddSegments[random.Next(OddSegments.Length)];
            var bad = BadSchemas[random.Next(BadSchemas.Length)];
            var read = existing[random.Next(existing.Count)];
            var (method, path, body) = random.Next(11) switch
            {
                0 => (HttpMethod.Post, $"/subjects/{subject}/versions", JsonSerializer.Serialize(new { schema = bad })),
                1 => (HttpMethod.Post, $"/subjects/{subject}/versions", Pick(random, "{", "[]", "{\"schema\":1}", "{\"schema\":\"\\\"int\\\"\",\"schemaType\":\"PROTOBUF\"}",
                    "{\"schema\":\"\\\"int\\\"\",\"references\":[{\"name\":\"x\",\"subject\":\"y\",\"version\":1}]}", "{\"schema\":\"" + new string('[', 5000) + "\"}")),
                2 => (HttpMethod.Get, $"/subjects/{read}/versions/{odd}", null),
                3 => (HttpMethod.Get, $"/schemas/ids/{odd}", null),
                4 => (HttpMethod.Post, $"/compatibility/subjects/{read}/versions/{odd}", JsonSerializer.Serialize(new { schema = bad })),
                5 => (HttpMethod.Put, $"/config/{subject}", Pick(random, "{\"compatibility\":\"SIDEWAYS\"}", "{}", "{\"compatibility\":7}", "nope")),
                6 => (HttpMethod.Put, $"/mode/{subject}", Pick(random, "{\"mode\":\"IMPORT\"}", "{\"mode\":\"READONLY\"}", "{}")),
                7 => (HttpMethod.Delete, $"/subjects/{subject}/versions/{odd}{Pick(random, "", "?permanent=true")}", null),
                8 => (HttpMethod.Get, $"/subjects/{odd}{new string('s', random.Next(3) * 500)}/versions", null),
                9 => (HttpMethod.Post, $"/subjects/{read}", JsonSerializer.Serialize(new { schema = bad })),
                _ => (Pick(random, HttpMethod.Patch, HttpMethod.Put, HttpMethod.Delete), $"/subjects/{read}/versions/{odd}/schema", null),
            };
            // Changes only to our own subject: a permanent delete of one of the system's would break the chat.
            if (method != HttpMethod.Get && method != HttpMethod.Post && path.Contains(read, StringComparison.Ordinal)) method = HttpMethod.Patch;
            var answer = await SendAsync(method, path, body);
            if ((int)answer.Status >= 400 && Check(answer) is { } problem)
                failures.Add($"{method} {path} {(body is null ? "" : body[..Math.Min(body.Length, 200)])} {FuzzSettings.Describe(i)} → {problem}: {answer}");
        }
        output.WriteLine($"{FuzzSettings.Iterations} registry cases, seed {FuzzSettings.Seed}: {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
        Assert.Equal(snapshot, await SnapshotAsync());
        await system.AssertNothingCrashedAsync();

        async Task<HttpAnswer> SendAsync(HttpMethod method, string path, string? body)
        {
            using var request = new HttpRequestMessage(method, new Uri(registry + path));
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/vnd.schemaregistry.v1+json");
            return await HttpAnswer.SendAsync(http, request);
        }

        // The system's subjects with the schema text of each version.
        async Task<Dictionary<string, string>> SnapshotAsync()
        {
            var subjects = JsonDocument.Parse(await http.GetStringAsync(registry + "/subjects")).RootElement.EnumerateArray()
                .Select(s => s.GetString()!).Where(s => !s.StartsWith("fuzz-", StringComparison.Ordinal)).ToList();
            var result = new Dictionary<string, string>();
            foreach (var s in subjects)
                result[s] = await http.GetStringAsync(registry + $"/subjects/{Uri.EscapeDataString(s)}/versions/latest");
            return result;
        }
    }

    private static string? Check(HttpAnswer answer)
    {
        if ((int)answer.Status >= 500) return "server error";
        // The HTTP server refuses some requests before the registry sees them (a NUL in the path): a bare 400.
        if (answer.Body.Length == 0 && answer.Status == HttpStatusCode.BadRequest) return null;
        try
        {
            var code = answer.Json.GetProperty("error_code").GetInt32();
            return Documented.TryGetValue(code, out var status) && status == answer.Status ? null : $"undocumented error_code {code} with {(int)answer.Status}";
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return "no Confluent error body";
        }
    }

    private static T Pick<T>(Random random, params T[] values) => values[random.Next(values.Length)];
}
