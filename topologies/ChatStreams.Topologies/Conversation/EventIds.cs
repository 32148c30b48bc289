using System.Security.Cryptography;
using System.Text;

namespace ChatStreams.Topologies.Conversation;

/// <summary>
/// Event ids derived from the causing command (a name-based UUID, RFC 4122 version 5 layout over SHA-1): processing
/// the same command again (a replay after a crash under at-least-once, a rebuilt task) yields the same ids, so
/// downstream consumers can recognise a repeat.
/// </summary>
public static class EventIds
{
    public static string For(string commandId, string eventKind)
    {
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes("chatstreams:" + commandId + ":" + eventKind));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50); // version 5
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true).ToString();
    }
}
