namespace ChatStreams.Bench.Load;

/// <summary>
/// One workload: <paramref name="Conversations"/> conversations of <paramref name="Size"/> distinct clients each (every
/// client in one conversation), the first <paramref name="SendersPerConversation"/> members of each sending, together
/// <paramref name="Rate"/> messages/s on a fixed schedule for <paramref name="Seconds"/> s.
/// </summary>
/// <param name="Name">Key on the command line and in the JSON: direct, group50, group1000, reconnect, rising.</param>
/// <param name="DropFraction">Reconnect storm: this share of the clients drops at once halfway through and resumes at once.</param>
/// <param name="RisingTo">Rising-rate run: <see cref="Rate"/> is the first step, doubled up to this, then bisected (<see cref="RisingRateSearch"/>).</param>
public sealed record LoadScenario(string Name, string Title, int Size, int Conversations, int SendersPerConversation, double Rate, double Seconds,
    double DropFraction = 0, double? RisingTo = null)
{
    public int Clients => Size * Conversations;

    public int Senders => SendersPerConversation * Conversations;

    /// <summary>Deliveries per message: every member gets it, the sender's own connection included.</summary>
    public double DeliveriesPerSecond => Rate * Size;

    public bool Rising => RisingTo is not null;

    public IEnumerable<string> Problems()
    {
        if (Size < 2) yield return $"{Name}: a conversation needs at least 2 members (size {Size}).";
        if (Conversations < 1) yield return $"{Name}: at least one conversation is needed.";
        if (SendersPerConversation < 1 || SendersPerConversation > Size) yield return $"{Name}: senders per conversation must be 1..{Size} (got {SendersPerConversation}).";
        if (!(Rate > 0)) yield return $"{Name}: the rate must be positive.";
        if (!(Seconds > 0)) yield return $"{Name}: the duration must be positive.";
        if (DropFraction is < 0 or >= 1) yield return $"{Name}: the share of clients to drop must be in [0, 1).";
        if (RisingTo is { } top && top < Rate) yield return $"{Name}: the highest rate ({top}) is below the first step ({Rate}).";
    }
}
