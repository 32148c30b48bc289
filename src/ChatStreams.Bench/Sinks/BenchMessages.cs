using chatstreams.v1;

namespace ChatStreams.Bench.Sinks;

/// <summary>
/// The events the sinks land, as the sequencer writes them to chat.events: per conversation a ConversationCreated
/// (seq 1) and then messages. Every message body carries a token unique to its (conversation, seq), one word for any
/// analyzer, so a search for it finds exactly that message.
/// </summary>
public sealed class BenchMessages(string runId, int conversations, int bodyLength)
{
    private readonly long[] _seqs = new long[conversations];
    private int _next;
    private static readonly string Filler = string.Concat(Enumerable.Repeat("lorem ipsum dolor sit amet consectetur ", 20));

    public int Conversations => conversations;

    public string ConversationId(int index) => $"{runId}-c{index}";

    public static string Token(string conversationId, long seq) => $"tok{conversationId.Replace("-", "", StringComparison.Ordinal)}x{seq}";

    /// <summary>The events opening every conversation.</summary>
    public IEnumerable<ChatEvent> Creations()
    {
        for (var i = 0; i < conversations; i++)
        {
            _seqs[i] = 1;
            yield return Event(ConversationId(i), 1, "u0", DateTime.UtcNow,
                new ConversationCreated { Kind = ConversationKind.Group, Title = $"bench {i}", Members = ["u0", "u1", "u2"], Admins = ["u0"] });
        }
    }

    /// <summary>The next message, round-robin over the conversations.</summary>
    public ChatEvent NextMessage()
    {
        var index = _next++ % conversations;
        var conversationId = ConversationId(index);
        var seq = ++_seqs[index];
        var token = Token(conversationId, seq);
        var body = token + " " + Filler[..Math.Max(0, bodyLength - token.Length - 1)];
        return Event(conversationId, seq, $"u{seq % 3}", DateTime.UtcNow,
            new MessageSent { MessageId = $"{conversationId}-m{seq}", Body = body, Attachments = [] });
    }

    private static ChatEvent Event(string conversationId, long seq, string userId, DateTime at, object payload) => new()
    {
        ConversationId = conversationId, Seq = seq, EventId = $"{conversationId}-e{seq}", CommandId = $"{conversationId}-cmd{seq}",
        UserId = userId, DeviceId = userId + "-phone", EdgeId = "edge-0", OccurredAt = at, CommandIssuedAt = at, Payload = payload,
    };
}
