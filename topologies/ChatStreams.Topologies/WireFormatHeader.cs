using System.Buffers.Binary;

namespace ChatStreams.Topologies;

/// <summary>Confluent's wire format header before the Avro body: magic byte 0, the writer schema's registry id (4 bytes, big-endian).</summary>
internal static class WireFormatHeader
{
    public const int Length = 5;
    private const byte MagicByte = 0;

    public static void Write(Stream stream, int schemaId)
    {
        Span<byte> header = stackalloc byte[Length];
        header[0] = MagicByte;
        BinaryPrimitives.WriteInt32BigEndian(header[1..], schemaId);
        stream.Write(header);
    }

    /// <summary>Whether <paramref name="data"/> is a record with a body written with schema <paramref name="schemaId"/>.</summary>
    public static bool Names(ReadOnlySpan<byte> data, int schemaId) =>
        data.Length > Length && data[0] == MagicByte && BinaryPrimitives.ReadInt32BigEndian(data[1..Length]) == schemaId;
}
