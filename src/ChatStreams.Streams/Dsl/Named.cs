namespace ChatStreams.Streams.Dsl;

/// <summary>A node name for operators whose other arguments are a params list (e.g. KStream.Process with store names).</summary>
public sealed record Named(string Name)
{
    public static Named As(string name) => new(name);
}
