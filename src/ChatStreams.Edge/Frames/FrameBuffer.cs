using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ChatStreams.Edge.Frames;

/// <summary>
/// A thread's JSON writer and the buffer it writes into, kept for the thread's next frame. Frames are written
/// synchronously, so one per thread is enough; one that is in use is not handed out twice.
/// </summary>
internal sealed class FrameBuffer
{
    /// <summary>Room for any ordinary frame: the writer asks for 4 KB whenever it needs space, and gets it without a resize.</summary>
    internal const int InitialCapacity = 16 * 1024;

    /// <summary>A buffer grown past this (a large REST answer) is dropped after use rather than kept by the thread.</summary>
    internal const int MaxKeptCapacity = 256 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic] private static FrameBuffer? _kept;

    private FrameBuffer()
    {
        Output = new ArrayBufferWriter<byte>(InitialCapacity);
        Writer = new Utf8JsonWriter(Output, WriterOptions);
    }

    public ArrayBufferWriter<byte> Output { get; }

    public Utf8JsonWriter Writer { get; }

    /// <summary>This thread's buffer, empty; a new one if it is in use (a frame built inside another) or was dropped.</summary>
    public static FrameBuffer Take()
    {
        var frame = _kept ?? new FrameBuffer();
        _kept = null;
        return frame;
    }

    /// <summary>Empties the buffer (also after a writer that threw halfway) and keeps it for the thread's next frame.</summary>
    public void Return()
    {
        Output.ResetWrittenCount();
        Writer.Reset(Output);
        if (Output.Capacity <= MaxKeptCapacity) _kept = this;
    }
}
