using System.Net.WebSockets;
using System.Text;

namespace ChatStreams.Fuzz.Tests.Mutations;

/// <summary>What the edge must do with a fuzzed frame.</summary>
public enum FrameVerdict
{
    /// <summary>The edge must refuse it itself: an error frame bad_frame (or too_large), nothing acted on.</summary>
    Refused,

    /// <summary>Still a well-formed frame (unknown fields, odd text, duplicate keys): any documented answer.</summary>
    Any,
}

/// <summary>One fuzzed client frame: how it was made (for the failure message), its bytes and the verdict it must get.</summary>
public sealed record FrameCase(string Mutation, byte[] Payload, FrameVerdict Verdict, WebSocketMessageType MessageType = WebSocketMessageType.Text)
{
    public override string ToString()
    {
        var text = Encoding.UTF8.GetString(Payload);
        return $"{Mutation} [{MessageType}, {Payload.Length} bytes]: {(text.Length > 300 ? text[..300] + "…" : text)}";
    }
}
