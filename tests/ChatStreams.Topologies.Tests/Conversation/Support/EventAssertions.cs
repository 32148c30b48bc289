using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.Conversation.Support;

/// <summary>Checks of one chat.event: what it is, the seq it took (or carries), and for rejections the code.</summary>
internal static class EventAssertions
{
    /// <summary>An accepted event of type <typeparamref name="T"/> at <paramref name="seq"/>; returns its payload.</summary>
    public static T Is<T>(this ChatEvent e, long seq) where T : class
    {
        var payload = Assert.IsType<T>(e.Payload);
        Assert.Equal(seq, e.Seq);
        return payload;
    }

    /// <summary>A CommandRejected with <paramref name="code"/>, carrying the conversation's last seq <paramref name="lastSeq"/>.</summary>
    public static CommandRejected IsRejected(this ChatEvent e, string code, long lastSeq)
    {
        var rejected = Assert.IsType<CommandRejected>(e.Payload);
        Assert.Equal(code, rejected.Code);
        Assert.Equal(lastSeq, e.Seq);
        Assert.False(string.IsNullOrWhiteSpace(rejected.Reason));
        return rejected;
    }
}
