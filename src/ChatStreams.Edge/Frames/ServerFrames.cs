using System.Text.Json;
using chatstreams.v1;

namespace ChatStreams.Edge.Frames;

/// <summary>
/// The JSON text of every frame the edge sends (PROTOCOL.md, server → client), as UTF-8 bytes ready for the socket.
/// Times are ISO-8601 UTC.
/// </summary>
public static class ServerFrames
{
    /// <summary>One frame: a JSON object whose fields <paramref name="write"/> writes.</summary>
    public static byte[] Build(Action<Utf8JsonWriter> write) => Utf8Json(w =>
    {
        w.WriteStartObject();
        write(w);
        w.WriteEndObject();
    });

    /// <summary>Any JSON value as UTF-8 (frames, and REST answers made of the same field writers).</summary>
    /// <remarks>
    /// Written into this thread's <see cref="FrameBuffer"/> and copied out once. A new buffer per frame cost more than
    /// the frame: <see cref="Utf8JsonWriter"/> asks its output for at least 4 KB whenever it needs room, so a small
    /// buffer was replaced by a 4–8 KB one for nearly every frame — most of what an edge allocated per delivery, and
    /// its garbage collections.
    /// </remarks>
    public static byte[] Utf8Json(Action<Utf8JsonWriter> write)
    {
        // Taken while in use: a writer that builds another frame inside gets a buffer of its own.
        var frame = FrameBuffer.Take();
        try
        {
            write(frame.Writer);
            frame.Writer.Flush();
            return frame.Output.WrittenSpan.ToArray();
        }
        finally
        {
            frame.Return();
        }
    }

    public static byte[] Ready(string userId, string deviceId, string edgeId, string connectionId, EdgeOptions options) => Build(w =>
    {
        w.WriteString("type", "ready");
        w.WriteString("userId", userId);
        w.WriteString("deviceId", deviceId);
        w.WriteString("edge", edgeId);
        w.WriteString("connectionId", connectionId);
        w.WriteNumber("maxFrameBytes", options.MaxFrameBytes);
    });

    /// <summary>The send is durable in Kafka (seq unknown yet), or the sequencer's re-ack of a resend (with the original seq).</summary>
    public static byte[] Ack(string? id, string conversationId, long? seq = null, bool duplicate = false) => Build(w =>
    {
        w.WriteString("type", "ack");
        if (id is not null) w.WriteString("id", id);
        w.WriteString("conversationId", conversationId);
        if (seq is { } s) w.WriteNumber("seq", s);
        if (duplicate) w.WriteBoolean("duplicate", true);
    });

    public static byte[] Error(string code, string message, string? id = null, string? conversationId = null) => Build(w =>
    {
        w.WriteString("type", "error");
        w.WriteString("code", code);
        w.WriteString("message", message);
        if (id is not null) w.WriteString("id", id);
        if (conversationId is not null) w.WriteString("conversationId", conversationId);
    });

    public static byte[] Pong { get; } = Build(w => w.WriteString("type", "pong"));

    public static byte[] Typing(string conversationId, string userId, bool started) => Build(w =>
    {
        w.WriteString("type", "typing");
        w.WriteString("conversationId", conversationId);
        w.WriteString("userId", userId);
        w.WriteString("state", started ? "start" : "stop");
    });

    /// <summary>The edge is going away (drain) or cannot serve this socket any more: reconnect (through the gateway) and resume.</summary>
    public static byte[] Reconnect(string reason, string message) => Build(w =>
    {
        w.WriteString("type", "reconnect");
        w.WriteString("reason", reason);
        w.WriteString("message", message);
    });

    /// <summary>A resume is complete: per conversation the last seq sent; live frames follow without a hole.</summary>
    public static byte[] Resumed(IReadOnlyDictionary<string, long> heads) => Build(w =>
    {
        w.WriteString("type", "resumed");
        w.WriteStartObject("cursors");
        foreach (var (conversation, seq) in heads) w.WriteNumber(conversation, seq);
        w.WriteEndObject();
    });

    public static byte[] Event(ChatEvent chatEvent) => Build(w => EventJson.WriteFields(w, chatEvent));

    /// <summary>One receipt frame per status: "delivered" up to DeliveredSeq and, once something is read, "read" up to ReadSeq.</summary>
    public static IEnumerable<byte[]> Receipts(ReceiptUpdate update)
    {
        yield return Receipt(update, "delivered", update.DeliveredSeq);
        if (update.ReadSeq > 0) yield return Receipt(update, "read", update.ReadSeq);
    }

    private static byte[] Receipt(ReceiptUpdate update, string status, long seq) => Build(w =>
    {
        w.WriteString("type", "receipt");
        w.WriteString("conversationId", update.ConversationId);
        w.WriteString("userId", update.UserId);
        w.WriteNumber("seq", seq);
        w.WriteString("status", status);
        w.WriteNumber("readByAllSeq", update.ReadByAllSeq);
        w.WriteNumber("deliveredToAllSeq", update.DeliveredToAllSeq);
        w.WriteString("at", EventJson.Iso(update.At));
    });

    public static byte[] Presence(PresenceChange change) => Build(w =>
    {
        w.WriteString("type", "presence");
        w.WriteString("userId", change.UserId);
        w.WriteString("status", change.Status == PresenceStatus.Online ? "online" : "offline");
        w.WriteString("lastSeen", EventJson.Iso(change.LastSeen));
        w.WriteNumber("devices", change.DevicesOnline);
    });
}
