using System.Text;
using System.Text.Json.Nodes;

namespace ChatStreams.Fuzz.Tests.Mutations;

/// <summary>One fuzzed REST request: method, path with query, body bytes and content type.</summary>
public sealed record RestCase(string Mutation, HttpMethod Method, string PathAndQuery, byte[]? Body, string? ContentType)
{
    public override string ToString()
    {
        var body = Body is null ? "" : Encoding.UTF8.GetString(Body);
        return $"{Mutation}: {Method} {PathAndQuery} [{ContentType}] {(body.Length > 300 ? body[..300] + "…" : body)}";
    }
}

/// <summary>
/// REST requests from the API's grammar (protocol.md §12) with one mutation each: body fields of the wrong type,
/// missing, huge, nested, duplicated or with odd text; bodies that are not JSON, truncated, invalid UTF-8 or of
/// another content type; query parameters out of range, repeated, huge or not numbers; path ids with tricks.
/// </summary>
public sealed class RestMutator(Random random)
{
    private static readonly string[] OddValues =
    [
        "", "-1", "0", "1.5", "1e9", "99999999999999999999", "abc", "%00", "%2F..%2F", "%F0%9F%91%8D", "%E2%80%AE", "true", "null", "[]", "%ED%A0%80", "%FF",
    ];

    /// <summary>Valid request bodies of the endpoints that take one, for the given conversation and a user.</summary>
    private static IReadOnlyList<(string Path, HttpMethod Method, Func<JsonObject> Body)> BodyEndpoints(string conversation, string userId) =>
    [
        ("/api/auth/register", HttpMethod.Post, () => new JsonObject { ["username"] = "fz" + Guid.NewGuid().ToString("N")[..10], ["password"] = "correct horse battery", ["displayName"] = "Fuzz" }),
        ("/api/auth/login", HttpMethod.Post, () => new JsonObject { ["username"] = "nobody-" + Guid.NewGuid().ToString("N")[..6], ["password"] = "wrong password" }),
        ("/api/conversations", HttpMethod.Post, () => new JsonObject { ["kind"] = "group", ["title"] = "fuzz", ["members"] = new JsonArray(Guid.NewGuid().ToString("N")) }),
        ($"/api/conversations/{conversation}/members", HttpMethod.Post, () => new JsonObject { ["userId"] = Guid.NewGuid().ToString("N"), ["role"] = "member" }),
        ("/api/media", HttpMethod.Post, () => new JsonObject { ["fileName"] = "a.png", ["contentType"] = "image/png", ["size"] = 10, ["conversationId"] = conversation }),
        ("/api/push/subscriptions", HttpMethod.Post, () => new JsonObject
        {
            ["endpoint"] = "https://push.example/" + Guid.NewGuid().ToString("N"),
            ["keys"] = new JsonObject { ["p256dh"] = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM", ["auth"] = "tBHItJI5svbpez7KI4CCXg" },
        }),
        ($"/api/conversations/{conversation}/mute", HttpMethod.Put, () => new JsonObject { ["until"] = "2099-01-01T00:00:00Z" }),
    ];

    /// <summary>Endpoints driven by their query string and path.</summary>
    private static IReadOnlyList<(string Path, string[] Parameters, HttpMethod Method)> QueryEndpoints(string conversation) =>
    [
        ($"/api/conversations/{conversation}/messages", ["before", "after", "limit"], HttpMethod.Get),
        ("/api/search", ["q", "conversationId", "limit", "offset"], HttpMethod.Get),
        ("/api/users", ["query", "limit"], HttpMethod.Get),
        ("/api/push/subscriptions", ["endpoint"], HttpMethod.Delete),
        ("/api/media/{odd}", [], HttpMethod.Get),
        ("/api/conversations/{odd}", [], HttpMethod.Get),
        ("/api/conversations/{odd}/messages", ["limit"], HttpMethod.Get),
        ($"/api/conversations/{conversation}/members/{{odd}}", [], HttpMethod.Delete),
        ("/api/conversations/{odd}/mute", [], HttpMethod.Get),
    ];

    public RestCase Next(string conversation, string userId) => random.Next(5) < 3 ? NextBody(conversation, userId) : NextQuery(conversation);

    private RestCase NextBody(string conversation, string userId)
    {
        var endpoints = BodyEndpoints(conversation, userId);
        var (path, method, make) = endpoints[random.Next(endpoints.Count)];
        var body = make();
        const string json = "application/json";
        switch (random.Next(12))
        {
            case 0:
                var field = body.ElementAt(random.Next(body.Count)).Key;
                body[field] = Pick<JsonNode?>(42, true, null, new JsonArray("x", 1), new JsonObject { ["a"] = 1 }, 1e308, -1, "x");
                return new($"{field} of another type", method, path, Text(body), json);
            case 1:
                var missing = body.ElementAt(random.Next(body.Count)).Key;
                body.Remove(missing);
                return new($"without {missing}", method, path, Text(body), json);
            case 2:
                var big = body.ElementAt(random.Next(body.Count)).Key;
                body[big] = new string('x', Pick(65, 257, 2049, 20_000, 300_000));
                return new($"{big} huge", method, path, Text(body), json);
            case 3:
                var depth = Pick(10, 64, 65, 1000);
                return new($"nested {depth} deep", method, path, Encoding.UTF8.GetBytes("{\"deep\":" + new string('[', depth) + new string(']', depth) + "}"), json);
            case 4:
                var text = Encoding.UTF8.GetString(Text(body));
                return new("truncated", method, path, Encoding.UTF8.GetBytes(text[..random.Next(0, text.Length - 1)]), json);
            case 5:
                return new("invalid UTF-8", method, path, [.. Encoding.UTF8.GetBytes("{\"username\":\"a"), 0xFF, 0xC0, 0xAF, .. Encoding.UTF8.GetBytes("\",\"password\":\"x\"}")], json);
            case 6:
                return new("another content type", method, path, Text(body), Pick("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "application/json; charset=utf-16", ""));
            case 7:
                var duplicated = body.ElementAt(random.Next(body.Count)).Key;
                var raw = Encoding.UTF8.GetString(Text(body));
                return new($"{duplicated} twice", method, path, Encoding.UTF8.GetBytes(raw.Insert(1, $"\"{duplicated}\":\"dup\",")), json);
            case 8:
                var odd = body.ElementAt(random.Next(body.Count)).Key;
                var lone = Encoding.UTF8.GetString(Text(body)).Replace($"\"{odd}\":\"", $"\"{odd}\":\"\\ud800", StringComparison.Ordinal);
                return new($"{odd} with a lone surrogate", method, path, Encoding.UTF8.GetBytes(lone), json);
            case 9:
                return new("not an object", method, path, Encoding.UTF8.GetBytes(Pick("[]", "null", "42", "\"x\"", "", "{}", "{\"a\":1}")), json);
            case 10:
                var tricky = body.ElementAt(random.Next(body.Count)).Key;
                body[tricky] = Pick("../../etc/passwd", "\u202Eevil", "a\u0000b", "<img src=x>", "\r\nX-Injected: 1", "%2e%2e%2f", "CON", "😀😀😀");
                return new($"{tricky} with odd text", method, path, Text(body), json);
            default:
                body["unknown" + random.Next(10)] = Pick<JsonNode?>(1, "x", new JsonObject(), null);
                return new("unknown field", method, path, Text(body), json);
        }
    }

    private RestCase NextQuery(string conversation)
    {
        var endpoints = QueryEndpoints(conversation);
        var (path, parameters, method) = endpoints[random.Next(endpoints.Count)];
        path = path.Replace("{odd}", Pick("..%2F..%2Fetc%2Fpasswd", "%2e%2e", new string('a', 5000), "%00", "%F0%9F%91%8D", "%ED%A0%80", "a%2Fb", ".", "x;y", "%20", Guid.NewGuid().ToString("N")), StringComparison.Ordinal);
        var query = string.Join('&', parameters.Where(_ => random.Next(3) > 0).Select(p => $"{p}={Pick(OddValues)}"));
        if (parameters.Length > 0 && random.Next(4) == 0) query += $"&{parameters[0]}=1&{parameters[0]}=2"; // repeated
        if (random.Next(6) == 0) query += "&" + new string('q', 3000) + "=1";
        return new("query/path", method, path + (query.Length > 0 ? "?" + query.TrimStart('&') : ""), null, null);
    }

    private T Pick<T>(params T[] values)
    {
        var value = values[random.Next(values.Length)];
        return value is JsonNode node ? (T)(object)node.DeepClone() : value;
    }

    private static byte[] Text(JsonObject body) => Encoding.UTF8.GetBytes(body.ToJsonString());
}
