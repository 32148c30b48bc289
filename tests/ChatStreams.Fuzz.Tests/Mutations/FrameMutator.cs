using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatStreams.Fuzz.Tests.Mutations;

/// <summary>
/// Grammar-aware client frames: a valid frame of a random type (protocol.md §5), then one mutation that either
/// breaks it in a way the edge must refuse (wrong type, missing field, out-of-range number, too long, truncated,
/// oversized, too deep, invalid UTF-8, not an object, binary) or keeps it well-formed (unknown fields, duplicate
/// keys, Unicode tricks). Deterministic for a given <see cref="Random"/>.
/// </summary>
public sealed class FrameMutator(Random random, int maxFrameBytes = 64 * 1024)
{
    private static readonly string[] Types = ["send", "receipt", "typing", "resume", "edit", "delete", "react", "ping"];

    /// <summary>Text that is valid JSON string content but tricky: bidi overrides, zero-width, combining marks, emoji, escapes.</summary>
    private static readonly string[] UnicodeTricks =
    [
        "\u202Egnp.exe", "a\u200Bb\u200Dc\uFEFF", "e\u0301\u0301\u0301\u0301", "👍🏽👨‍👩‍👧‍👦", "\uD83D\uDE00", "Ω≈ç√∫", "\\u0000", "<script>alert(1)</script>",
        "'; DROP TABLE messages; --", "%00%2e%2e%2f", "\u0085\u2028\u2029", "𝕿𝖊𝖘𝖙", "ﷺ", "\r\n\t",
    ];

    /// <summary>A well-formed frame of <paramref name="type"/> for <paramref name="conversationId"/>.</summary>
    public JsonObject Valid(string type, string conversationId, string id) => type switch
    {
        "send" => new JsonObject { ["type"] = "send", ["id"] = id, ["conversationId"] = conversationId, ["body"] = "fuzz " + id },
        "receipt" => new JsonObject { ["type"] = "receipt", ["conversationId"] = conversationId, ["seq"] = random.Next(1, 50), ["status"] = random.Next(2) == 0 ? "read" : "delivered" },
        "typing" => new JsonObject { ["type"] = "typing", ["conversationId"] = conversationId, ["state"] = random.Next(2) == 0 ? "start" : "stop" },
        "resume" => new JsonObject { ["type"] = "resume", ["cursors"] = new JsonObject { [conversationId] = random.Next(0, 5) } },
        "edit" => new JsonObject { ["type"] = "edit", ["id"] = id, ["conversationId"] = conversationId, ["seq"] = random.Next(1, 50), ["body"] = "edited" },
        "delete" => new JsonObject { ["type"] = "delete", ["id"] = id, ["conversationId"] = conversationId, ["seq"] = random.Next(1, 50) },
        "react" => new JsonObject { ["type"] = "react", ["id"] = id, ["conversationId"] = conversationId, ["seq"] = random.Next(1, 50), ["emoji"] = "👍" },
        _ => new JsonObject { ["type"] = "ping" },
    };

    /// <summary>A frame the edge must refuse with bad_frame or too_large.</summary>
    public FrameCase NextRefused(string conversationId, string id)
    {
        var type = Types[random.Next(Types.Length)];
        var frame = Valid(type, conversationId, id);
        switch (random.Next(14))
        {
            case 0:
                return new("unknown type", Bytes(Replace(frame, "type", Pick<JsonNode?>("shout", "", "SEND", "send ", "ping\u0000", 7, null, new JsonArray()))), FrameVerdict.Refused);
            case 1 when RequiredFields(type) is { Length: > 0 } required:
                var missing = required[random.Next(required.Length)];
                frame.Remove(missing);
                return new($"{type} without {missing}", Bytes(frame), FrameVerdict.Refused);
            case 2 when RequiredFields(type) is { Length: > 0 } fields:
                var field = fields[random.Next(fields.Length)];
                return new($"{type}.{field} of the wrong type", Bytes(Replace(frame, field, WrongTypeFor(frame[field]))), FrameVerdict.Refused);
            case 3 when frame.ContainsKey("seq"):
                // Raw text: numbers past long, fractions, exponents and negative values are written as the client would.
                var seq = Pick("0", "-1", "1.5", "1e400", "9223372036854775808", "-9223372036854775809", "\"42\"", "true", "[]", "NaN");
                return new($"{type}.seq = {seq}", Utf8(Bytes(frame), "\"seq\":" + frame["seq"]!.ToJsonString(), "\"seq\":" + seq), FrameVerdict.Refused);
            case 4 when frame.ContainsKey("conversationId") || frame.ContainsKey("id"):
                var name = frame.ContainsKey("id") && random.Next(2) == 0 ? "id" : "conversationId";
                var value = Pick(new string('c', 129 + random.Next(2000)), "", "a\u0000b");
                return new($"{type}.{name} of {value.Length} characters", Bytes(Replace(frame, name, value)), FrameVerdict.Refused);
            case 5:
                var text = Encoding.UTF8.GetString(Bytes(frame));
                var cut = random.Next(1, text.Length - 1);
                return new("truncated", Encoding.UTF8.GetBytes(text[..cut]), FrameVerdict.Refused);
            case 6:
                frame["padding"] = new string('x', maxFrameBytes + random.Next(1, 4 * maxFrameBytes));
                return new("oversized", Bytes(frame), FrameVerdict.Refused);
            case 7:
                var depth = 9 + random.Next(200);
                var nested = new string('[', depth) + new string(']', depth);
                return new($"nesting {depth} deep", Utf8(Bytes(frame), "{", "{\"deep\":" + nested + ","), FrameVerdict.Refused);
            case 8:
                return new("not an object", Encoding.UTF8.GetBytes(Pick("[]", "\"ping\"", "42", "null", "true", "[{\"type\":\"ping\"}]", "", " ")), FrameVerdict.Refused);
            case 9:
                return new("binary", Bytes(frame), FrameVerdict.Refused, WebSocketMessageType.Binary);
            case 10 when type is "send" or "edit":
                frame["body"] = new string('b', 16_385 + random.Next(100));
                return new($"{type}.body over 16384 characters", Bytes(frame), FrameVerdict.Refused);
            case 11 when type == "send":
                frame["attachments"] = Pick<JsonNode>(new JsonArray([.. Enumerable.Range(0, 11).Select(i => (JsonNode)("m" + i))]), "media", new JsonArray(""), new JsonArray(5), new JsonArray(new JsonObject()));
                return new("send with bad attachments", Bytes(frame), FrameVerdict.Refused);
            case 12 when type == "resume":
                var cursors = Pick<JsonNode>(new JsonArray(), "all", new JsonObject { [conversationId] = -1 }, new JsonObject { [conversationId] = "7" }, new JsonObject { [""] = 1 },
                    new JsonObject([.. Enumerable.Range(0, 1001).Select(i => new KeyValuePair<string, JsonNode?>("c" + i, 1))]));
                return new("resume with bad cursors", Bytes(Replace(frame, "cursors", cursors)), FrameVerdict.Refused);
            case 13 when OneOfField(type) is { } enumField:
                return new($"{type}.{enumField} not one of its values", Bytes(Replace(frame, enumField, Pick("START", "seen", "toggle", "", "read "))), FrameVerdict.Refused);
        }
        // A branch whose precondition failed: unknown type is always applicable.
        return new("unknown type", Bytes(Replace(frame, "type", "x" + random.Next(1000))), FrameVerdict.Refused);
    }

    /// <summary>A frame that stays well-formed (the edge must answer it as the protocol says, whatever it is).</summary>
    public FrameCase NextWellFormed(string conversationId, string id)
    {
        var type = Types[random.Next(Types.Length)];
        var frame = Valid(type, conversationId, id);
        switch (random.Next(5))
        {
            case 0:
                frame["x-" + random.Next(100)] = Pick<JsonNode?>(1, "extra", new JsonObject { ["nested"] = new JsonArray(1, 2) }, null, true);
                return new($"{type} with an unknown field", Bytes(frame), FrameVerdict.Any);
            case 1:
                // The last of duplicate keys wins (System.Text.Json); either way the frame is one of ours.
                var field = frame.Select(p => p.Key).FirstOrDefault(k => k != "type") ?? "type";
                var text = Encoding.UTF8.GetString(Bytes(frame));
                return new($"{type} with {field} twice", Encoding.UTF8.GetBytes(text.Insert(1, $"\"{field}\":{frame[field]!.ToJsonString()},")), FrameVerdict.Any);
            case 2 when frame.ContainsKey("body"):
                frame["body"] = Pick(UnicodeTricks);
                return new($"{type}.body with Unicode tricks", Bytes(frame), FrameVerdict.Any);
            case 3:
                // Escaped lone surrogates are valid JSON but not valid Unicode text.
                var target = frame.ContainsKey("body") ? "body" : frame.ContainsKey("conversationId") ? "conversationId" : "type";
                var raw = Encoding.UTF8.GetString(Bytes(frame));
                var at = raw.IndexOf($"\"{target}\":\"", StringComparison.Ordinal) + target.Length + 4;
                return new($"{type}.{target} with a lone surrogate escape", Encoding.UTF8.GetBytes(raw.Insert(at, Pick("\\ud800", "\\udfff", "\\ud83d x"))), FrameVerdict.Any);
            default:
                var withId = frame.DeepClone().AsObject();
                withId["id"] = Pick(id, "é" + id, id + "\u202E", new string('i', 128));
                return new($"{type} with an odd id", Bytes(withId), FrameVerdict.Any);
        }
    }

    /// <summary>Invalid UTF-8 in a text message (the WebSocket layer must fail the connection: RFC 6455 §8.1).</summary>
    public FrameCase InvalidUtf8(string conversationId, string id)
    {
        var raw = Bytes(Valid("send", conversationId, id));
        var bad = Pick(new byte[] { 0xC3, 0x28 }, [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82]);
        var at = Array.IndexOf(raw, (byte)'f'); // inside "fuzz …" of the body
        return new("invalid UTF-8", [.. raw[..at], .. bad, .. raw[at..]], FrameVerdict.Refused);
    }

    private static string[] RequiredFields(string type) => type switch
    {
        "send" => ["id", "conversationId", "body"],
        "receipt" => ["conversationId", "seq", "status"],
        "typing" => ["conversationId", "state"],
        "resume" => ["cursors"],
        "edit" => ["conversationId", "seq", "body"],
        "delete" => ["conversationId", "seq"],
        "react" => ["conversationId", "seq", "emoji"],
        _ => [],
    };

    private static string? OneOfField(string type) => type switch
    {
        "receipt" => "status",
        "typing" => "state",
        "react" => "action",
        _ => null,
    };

    private JsonNode? WrongTypeFor(JsonNode? value) => value?.GetValueKind() switch
    {
        JsonValueKind.String => Pick<JsonNode?>(42, true, new JsonArray("x"), new JsonObject { ["s"] = "x" }, 1.5),
        JsonValueKind.Number => Pick<JsonNode?>("12", true, new JsonArray(1), new JsonObject()),
        JsonValueKind.Object => Pick<JsonNode?>("{}", 1, new JsonArray()),
        _ => 0,
    };

    private static JsonObject Replace(JsonObject frame, string name, JsonNode? value)
    {
        frame[name] = value;
        return frame;
    }

    private T Pick<T>(params T[] choices)
    {
        var choice = choices[random.Next(choices.Length)];
        // JsonNodes can have one parent: hand out a copy.
        return choice is JsonNode node ? (T)(object)node.DeepClone() : choice;
    }

    private static byte[] Bytes(JsonObject frame) => Encoding.UTF8.GetBytes(frame.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));

    private static byte[] Utf8(byte[] frame, string find, string replacement)
    {
        var text = Encoding.UTF8.GetString(frame);
        var at = text.IndexOf(find, StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(text[..at] + replacement + text[(at + find.Length)..]);
    }
}
