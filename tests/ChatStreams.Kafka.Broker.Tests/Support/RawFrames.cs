using System.Buffers.Binary;

namespace ChatStreams.Kafka.Broker.Tests.Support;

/// <summary>Request frames built by hand (a 4-byte size, then the body) for tests that talk to the broker over a bare socket.</summary>
internal static class RawFrames
{
    public static byte[] Frame(params byte[][] parts)
    {
        var body = parts.SelectMany(p => p).ToArray();
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
        body.CopyTo(frame, 4);
        return frame;
    }

    public static byte[] Int16(short v) { var b = new byte[2]; BinaryPrimitives.WriteInt16BigEndian(b, v); return b; }
    public static byte[] Int32(int v) { var b = new byte[4]; BinaryPrimitives.WriteInt32BigEndian(b, v); return b; }
}
