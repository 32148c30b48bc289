using System.Buffers.Binary;
using System.Text;

namespace ChatStreams.Kafka.Broker.Groups;

/// <summary>
/// Key and value of an offset record in <c>__consumer_offsets</c>. The layout is Kafka's own (key type 1 =
/// OffsetCommitKey: group, topic, partition; value version 3 = OffsetCommitValue: offset, leader epoch, metadata,
/// commit timestamp), big-endian with int16-length strings, so Kafka tooling reads the topic. The leading int16
/// of each is its version: records of other types or versions are reported, not guessed at.
/// </summary>
public static class OffsetRecordCodec
{
    public const short OffsetKeyType = 1;
    public const short ValueVersion = 3;

    public static byte[] EncodeKey(string groupId, TopicPartition tp)
    {
        var group = Encoding.UTF8.GetBytes(groupId);
        var topic = Encoding.UTF8.GetBytes(tp.Topic);
        var key = new byte[2 + 2 + group.Length + 2 + topic.Length + 4];
        var span = key.AsSpan();
        BinaryPrimitives.WriteInt16BigEndian(span, OffsetKeyType);
        var p = WriteString(span, 2, group);
        p = WriteString(span, p, topic);
        BinaryPrimitives.WriteInt32BigEndian(span[p..], tp.Partition);
        return key;
    }

    public static byte[] EncodeValue(CommittedOffset value)
    {
        var metadata = Encoding.UTF8.GetBytes(value.Metadata);
        var bytes = new byte[2 + 8 + 4 + 2 + metadata.Length + 8];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt16BigEndian(span, ValueVersion);
        BinaryPrimitives.WriteInt64BigEndian(span[2..], value.Offset);
        BinaryPrimitives.WriteInt32BigEndian(span[10..], value.LeaderEpoch);
        var p = WriteString(span, 14, metadata);
        BinaryPrimitives.WriteInt64BigEndian(span[p..], value.CommitTimestampMs);
        return bytes;
    }

    /// <summary>Decodes an offset key; false for other key types (Kafka also stores group metadata here, type 2).</summary>
    /// <exception cref="InvalidDataException">the bytes are not a well-formed key.</exception>
    public static bool TryDecodeKey(ReadOnlySpan<byte> key, out string groupId, out TopicPartition tp)
    {
        groupId = "";
        tp = default;
        var type = ReadInt16(key, 0);
        if (type is not (0 or 1)) return false; // Kafka's key versions 0 and 1 share this layout
        var p = 2;
        groupId = ReadString(key, ref p);
        var topic = ReadString(key, ref p);
        if (key.Length - p != 4) throw new InvalidDataException($"offset record key has {key.Length - p} bytes where the 4-byte partition is expected");
        tp = new TopicPartition(topic, BinaryPrimitives.ReadInt32BigEndian(key[p..]));
        return true;
    }

    /// <exception cref="InvalidDataException">an unknown version or malformed bytes.</exception>
    public static CommittedOffset DecodeValue(ReadOnlySpan<byte> value)
    {
        var version = ReadInt16(value, 0);
        if (version != ValueVersion)
            throw new InvalidDataException($"offset record value version {version} is not supported (this broker writes version {ValueVersion})");
        if (value.Length < 14) throw new InvalidDataException("offset record value is truncated");
        var offset = BinaryPrimitives.ReadInt64BigEndian(value[2..]);
        var leaderEpoch = BinaryPrimitives.ReadInt32BigEndian(value[10..]);
        var p = 14;
        var metadata = ReadString(value, ref p);
        if (value.Length - p < 8) throw new InvalidDataException("offset record value ends before its commit timestamp");
        var commitTimestamp = BinaryPrimitives.ReadInt64BigEndian(value[p..]);
        return new CommittedOffset(offset, leaderEpoch, metadata, commitTimestamp);
    }

    private static int WriteString(Span<byte> destination, int at, byte[] utf8)
    {
        if (utf8.Length > short.MaxValue) throw new ArgumentException($"a string of {utf8.Length} bytes does not fit an int16 length");
        BinaryPrimitives.WriteInt16BigEndian(destination[at..], (short)utf8.Length);
        utf8.CopyTo(destination[(at + 2)..]);
        return at + 2 + utf8.Length;
    }

    private static short ReadInt16(ReadOnlySpan<byte> source, int at)
    {
        if (source.Length < at + 2) throw new InvalidDataException("offset record is truncated");
        return BinaryPrimitives.ReadInt16BigEndian(source[at..]);
    }

    private static string ReadString(ReadOnlySpan<byte> source, ref int position)
    {
        var length = ReadInt16(source, position);
        position += 2;
        if (length < 0 || source.Length - position < length) throw new InvalidDataException("offset record string does not fit the record");
        var text = Encoding.UTF8.GetString(source.Slice(position, length));
        position += length;
        return text;
    }
}
