using System.Text.Json;

namespace ChatStreams.Edge.Frames;

/// <summary>
/// Turns one text message from a socket into a <see cref="ClientFrame"/>, or says precisely what is wrong with it
/// (a bad_frame error names the field). Never throws on client input.
/// </summary>
public sealed class ClientFrameParser(EdgeOptions options)
{
    public const int MaxIdLength = 128;
    public const int MaxEmojiLength = 64;
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 8 };

    public readonly record struct Result(ClientFrame? Frame, string? ErrorCode, string? ErrorMessage, string? Id)
    {
        public static Result Bad(string message, string? id = null) => new(null, ErrorCodes.BadFrame, message, id);
    }

    private sealed class FrameError(string message) : Exception(message);

    public Result Parse(ReadOnlyMemory<byte> utf8)
    {
        // JsonDocument accepts invalid UTF-8 inside strings and only GetString() would throw on it later.
        if (!System.Text.Unicode.Utf8.IsValid(utf8.Span)) return Result.Bad("the frame is not valid UTF-8 text");
        JsonDocument document;
        try { document = JsonDocument.Parse(utf8, DocumentOptions); }
        catch (JsonException e) { return Result.Bad($"the frame is not valid JSON ({e.Message})"); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Result.Bad("a frame is a JSON object with a \"type\"");
            string? id = null;
            try
            {
                id = OptionalId(root);
                var type = RequiredString(root, "type", 32);
                ClientFrame frame = type switch
                {
                    "send" => Send(root, id),
                    "receipt" => Receipt(root, id),
                    "typing" => new TypingFrame(Conversation(root), OneOf(root, "state", "start", "stop") == "start"),
                    "resume" => Resume(root),
                    "edit" => new EditFrame(id, Conversation(root), Seq(root), Body(root, allowEmpty: false)),
                    "delete" => new DeleteFrame(id, Conversation(root), Seq(root)),
                    "react" => React(root, id),
                    "ping" => new PingFrame(),
                    _ => throw new FrameError($"unknown frame type '{Truncate(type)}'; expected send, receipt, typing, resume, edit, delete, react or ping"),
                };
                return new Result(frame, null, null, id);
            }
            catch (FrameError e) { return Result.Bad(e.Message, id); }
            catch (InvalidOperationException)
            {
                // JsonElement.GetString (and a property's Name) throw on an escaped unpaired surrogate ("\ud800"): valid
                // JSON, but no text. Found by fuzzing (docs/reliability.md): it used to end the connection.
                return Result.Bad("the frame has a string that is not valid Unicode text (an unpaired surrogate escape such as \\ud800)", id);
            }
        }
    }

    private SendFrame Send(JsonElement root, string? id)
    {
        if (id is null) throw new FrameError("a send frame needs an \"id\" (the client message id that makes resends safe)");
        var conversation = Conversation(root);
        var attachments = new List<string>();
        if (root.TryGetProperty("attachments", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array) throw new FrameError("\"attachments\" must be an array of media ids");
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 and <= MaxIdLength } mediaId)
                    throw new FrameError($"\"attachments\" must hold media ids (strings of 1 to {MaxIdLength} characters)");
                attachments.Add(mediaId);
            }
            if (attachments.Count > options.MaxAttachments) throw new FrameError($"a message can carry at most {options.MaxAttachments} attachments");
        }
        if (root.TryGetProperty("ciphertext", out var ciphertext) && ciphertext.ValueKind != JsonValueKind.Null)
            return new SendFrame(id, conversation, "", attachments, Ciphertext(root, ciphertext, attachments.Count));
        var body = Body(root, allowEmpty: attachments.Count > 0);
        return new SendFrame(id, conversation, body, attachments);
    }

    private static ReceiptFrame Receipt(JsonElement root, string? id) =>
        new(id, Conversation(root), Seq(root), OneOf(root, "status", "delivered", "read") == "read");

    private ReactFrame React(JsonElement root, string? id)
    {
        var conversation = Conversation(root);
        var seq = Seq(root);
        var emoji = RequiredString(root, "emoji", MaxEmojiLength);
        var remove = root.TryGetProperty("action", out var action) && action.ValueKind != JsonValueKind.Null
            ? OneOf(root, "action", "add", "remove") == "remove"
            : false;
        return new ReactFrame(id, conversation, seq, emoji, remove);
    }

    private ResumeFrame Resume(JsonElement root)
    {
        if (!root.TryGetProperty("cursors", out var cursors) || cursors.ValueKind != JsonValueKind.Object)
            throw new FrameError("a resume frame needs \"cursors\": an object of conversation id → last seq held");
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var cursor in cursors.EnumerateObject())
        {
            if (cursor.Name.Length is 0 or > MaxIdLength) throw new FrameError($"a conversation id in \"cursors\" must have 1 to {MaxIdLength} characters");
            if (cursor.Value.ValueKind != JsonValueKind.Number || !cursor.Value.TryGetInt64(out var seq) || seq < 0)
                throw new FrameError($"the cursor of conversation '{Truncate(cursor.Name)}' must be a whole number ≥ 0");
            result[cursor.Name] = seq;
            if (result.Count > options.MaxResumeCursors) throw new FrameError($"a resume frame may name at most {options.MaxResumeCursors} conversations");
        }
        return new ResumeFrame(result);
    }

    /// <summary>The opaque bytes of an encrypted send; it carries nothing in plaintext besides, so no body or attachments.</summary>
    private byte[] Ciphertext(JsonElement root, JsonElement ciphertext, int attachments)
    {
        if (ciphertext.ValueKind != JsonValueKind.String || !ciphertext.TryGetBytesFromBase64(out var bytes) || bytes.Length == 0)
            throw new FrameError("\"ciphertext\" must be a non-empty standard base64 string");
        if (bytes.Length > options.MaxCiphertextBytes)
            throw new FrameError($"\"ciphertext\" has {bytes.Length} bytes; the limit is {options.MaxCiphertextBytes}");
        if (attachments > 0 || (root.TryGetProperty("body", out var body) && body.ValueKind != JsonValueKind.Null && body.GetRawText() != "\"\""))
            throw new FrameError("an encrypted send carries only \"ciphertext\": no \"body\" and no \"attachments\" (they would reach the server in plaintext)");
        return bytes;
    }

    private string Body(JsonElement root, bool allowEmpty)
    {
        if (!root.TryGetProperty("body", out var body) || body.ValueKind == JsonValueKind.Null)
        {
            if (allowEmpty) return "";
            throw new FrameError("\"body\" is missing");
        }
        if (body.ValueKind != JsonValueKind.String) throw new FrameError("\"body\" must be a string");
        var text = body.GetString()!;
        if (text.Length == 0 && !allowEmpty) throw new FrameError("\"body\" is empty");
        if (text.Length > options.MaxBodyLength) throw new FrameError($"\"body\" has {text.Length} characters; the limit is {options.MaxBodyLength}");
        return text;
    }

    private static string Conversation(JsonElement root) => RequiredString(root, "conversationId", MaxIdLength);

    private static long Seq(JsonElement root)
    {
        if (!root.TryGetProperty("seq", out var seq) || seq.ValueKind != JsonValueKind.Number || !seq.TryGetInt64(out var value) || value < 1)
            throw new FrameError("\"seq\" must be a whole number ≥ 1");
        return value;
    }

    private static string? OptionalId(JsonElement root)
    {
        if (!root.TryGetProperty("id", out var id) || id.ValueKind == JsonValueKind.Null) return null;
        if (id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 and <= MaxIdLength } value || value.Contains('\0'))
            throw new FrameError($"\"id\" must be a string of 1 to {MaxIdLength} characters");
        return value;
    }

    private static string RequiredString(JsonElement root, string name, int maxLength)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            throw new FrameError($"\"{name}\" is missing");
        if (value.ValueKind != JsonValueKind.String) throw new FrameError($"\"{name}\" must be a string");
        var text = value.GetString()!;
        if (text.Length == 0 || text.Length > maxLength || text.Contains('\0'))
            throw new FrameError($"\"{name}\" must have 1 to {maxLength} characters");
        return text;
    }

    private static string OneOf(JsonElement root, string name, params string[] allowed)
    {
        var value = RequiredString(root, name, 32);
        if (!allowed.Contains(value, StringComparer.Ordinal))
            throw new FrameError($"\"{name}\" must be {string.Join(" or ", allowed.Select(a => $"\"{a}\""))}, not \"{Truncate(value)}\"");
        return value;
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
