using System.Buffers.Binary;

namespace ChatStreams.Kafka.Broker.Records;

/// <summary>Type field of a control record key. Other values exist (KRaft) and pass through as numbers.</summary>
public enum ControlRecordType : short
{
    Abort = 0,
    Commit = 1,
}

/// <summary>
/// A control record (transaction marker): key = version int16 + type int16; value (ABORT/COMMIT) =
/// version int16 + coordinatorEpoch int32.
/// </summary>
public readonly record struct ControlRecord(ControlRecordType Type, int CoordinatorEpoch)
{
    public const int KeySize = 4;
    public const int MarkerValueSize = 6;

    public bool IsTransactionMarker => Type is ControlRecordType.Abort or ControlRecordType.Commit;

    public static ControlRecord Parse(ReadOnlySpan<byte> key, bool hasValue, ReadOnlySpan<byte> value)
    {
        if (key.Length < KeySize)
            throw new CorruptRecordException($"A control record key has {key.Length} bytes; it needs {KeySize} (version, type).");
        short version = BinaryPrimitives.ReadInt16BigEndian(key);
        if (version < 0) throw new CorruptRecordException($"A control record key has the invalid version {version}.");
        var type = (ControlRecordType)BinaryPrimitives.ReadInt16BigEndian(key[2..]);
        if (type is not (ControlRecordType.Abort or ControlRecordType.Commit)) return new ControlRecord(type, -1);
        if (!hasValue || value.Length < MarkerValueSize)
            throw new CorruptRecordException($"A transaction marker value has {value.Length} bytes; it needs {MarkerValueSize} (version, coordinator epoch).");
        return new ControlRecord(type, BinaryPrimitives.ReadInt32BigEndian(value[2..]));
    }

    internal static void WriteKey(Span<byte> destination, ControlRecordType type)
    {
        BinaryPrimitives.WriteInt16BigEndian(destination, 0);
        BinaryPrimitives.WriteInt16BigEndian(destination[2..], (short)type);
    }

    internal static void WriteMarkerValue(Span<byte> destination, int coordinatorEpoch)
    {
        BinaryPrimitives.WriteInt16BigEndian(destination, 0);
        BinaryPrimitives.WriteInt32BigEndian(destination[2..], coordinatorEpoch);
    }
}
