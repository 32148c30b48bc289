namespace ChatStreams.Topologies.Tests.EndToEnd;

/// <summary>The ChatEvent deliveries one user must get at one edge for one conversation: exactly these seqs, in this order.</summary>
public sealed record ExpectedStream(string EdgeId, string UserId, string ConversationId, IReadOnlyList<long> Seqs);

/// <summary>A push notification an offline member must get, once.</summary>
public sealed record ExpectedNotification(string UserId, string ConversationId, long Seq, string SenderId);

/// <summary>
/// What the fan-out must deliver given conversation timelines and where users are connected: every online member
/// gets each event of their membership at every edge where they have a device; an offline member gets one
/// notification per message of someone else sent while they were a member, and nothing else.
/// </summary>
public static class DeliveryExpectations
{
    public static IEnumerable<ExpectedStream> EventStreams(IEnumerable<ScenarioUser> users, IReadOnlyDictionary<string, ConversationTimeline> timelines) =>
        from user in users
        from edge in user.Edges
        from timeline in timelines.Values
        let seqs = timeline.SeqsVisibleTo(user.Id)
        where seqs.Count > 0
        select new ExpectedStream(edge, user.Id, timeline.ConversationId, seqs);

    public static IEnumerable<ExpectedNotification> Notifications(IEnumerable<ScenarioUser> users, IReadOnlyDictionary<string, ConversationTimeline> timelines) =>
        from user in users
        where !user.IsOnline
        from timeline in timelines.Values
        from entry in timeline.Entries
        where entry.Kind == TimelineKind.MessageSent && entry.Actor != user.Id && timeline.IsMemberAt(user.Id, entry.Seq)
        select new ExpectedNotification(user.Id, timeline.ConversationId, entry.Seq, entry.Actor);
}
