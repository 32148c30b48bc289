using ChatStreams.Contracts;
using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.EndToEnd;

/// <summary>
/// Checks what the pipeline wrote against the contract, collecting every violation instead of stopping at the first,
/// so one failed run shows the whole picture. The expectations for deliveries and notifications are computed from
/// the chat.events read back (membership folded from the events), and those events are in turn checked against
/// what the test produced.
/// </summary>
public sealed class PipelineAudit(ChatScenario scenario, ChatOutputs outputs)
{
    private const int ShownPerCheck = 15;

    private readonly List<string> _problems = [];
    private readonly Dictionary<(string Conversation, long Seq), string> _eventIds = [];
    private readonly Dictionary<(string Conversation, string User, string ClientMessageId), ChatEvent> _sends = [];

    public IReadOnlyList<string> Problems => _problems;

    /// <summary>The conversations as chat.events tells them.</summary>
    public Dictionary<string, ConversationTimeline> Timelines { get; } = new(StringComparer.Ordinal);

    public PipelineAudit Run()
    {
        ReadTimelines();
        CompareTimelinesWithPlan();
        CheckMessagesSent();
        CheckDeduplicatedEvents();
        CheckEventDeliveries();
        CheckCommandOutcomes();
        CheckNotifications();
        return this;
    }

    /// <summary>Per conversation, the positioned events must have seq 1, 2, 3 … in log order: no gap, no duplicate.</summary>
    private void ReadTimelines()
    {
        var problems = new List<string>();
        foreach (var conversation in outputs.Events.GroupBy(e => e.Key, StringComparer.Ordinal))
        {
            RequireOnePartition(problems, Topics.ChatEvents, conversation.Key, conversation);
            var timeline = Timelines[conversation.Key] = new ConversationTimeline(conversation.Key);
            foreach (var record in conversation)
            {
                var chatEvent = record.Value;
                if (chatEvent.ConversationId != record.Key)
                    problems.Add($"chat.events@{record.Partition}/{record.Offset}: event of {chatEvent.ConversationId} filed under key {record.Key}");
                switch (chatEvent.Payload)
                {
                    case CommandDeduplicated:
                        continue;
                    case CommandRejected rejected:
                        problems.Add($"{record.Key}: command {chatEvent.CommandId} of {chatEvent.UserId} was rejected ({rejected.Code}: {rejected.Reason})");
                        continue;
                }
                if (chatEvent.Seq <= timeline.LastSeq)
                {
                    problems.Add($"{record.Key}: {Name(chatEvent)} with seq {chatEvent.Seq} follows seq {timeline.LastSeq} (chat.events@{record.Partition}/{record.Offset}: a duplicate or out of order)");
                    continue;
                }
                // A gap is reported once; the events after it still count, so one lost event does not hide the rest.
                if (chatEvent.Seq > timeline.LastSeq + 1)
                    problems.Add($"{record.Key}: {Name(chatEvent)} with seq {chatEvent.Seq} follows seq {timeline.LastSeq} (chat.events@{record.Partition}/{record.Offset}: seqs {timeline.LastSeq + 1}..{chatEvent.Seq - 1} are missing)");
                if (Entry(chatEvent) is not { } entry)
                {
                    problems.Add($"{record.Key}: unexpected {Name(chatEvent)} at seq {chatEvent.Seq}");
                    continue;
                }
                timeline.Append(entry, (chatEvent.Payload as ConversationCreated)?.Members);
                _eventIds[(record.Key, chatEvent.Seq)] = chatEvent.EventId;
                if (chatEvent.Payload is MessageSent && chatEvent.ClientMessageId is { } clientId)
                    _sends[(record.Key, chatEvent.UserId, clientId)] = chatEvent;
            }
        }
        Report("chat.events sequence", problems);
    }

    /// <summary>The sequencer made exactly what the produced commands ask for, in the order they were produced.</summary>
    private void CompareTimelinesWithPlan()
    {
        var problems = new List<string>();
        foreach (var id in scenario.Timelines.Keys.Union(Timelines.Keys).Order(StringComparer.Ordinal))
        {
            var planned = scenario.Timelines.TryGetValue(id, out var p) ? p.Entries : [];
            var actual = Timelines.TryGetValue(id, out var a) ? a.Entries : [];
            var firstDifference = Enumerable.Range(0, Math.Min(planned.Count, actual.Count)).Cast<int?>().FirstOrDefault(i => planned[i!.Value] != actual[i!.Value]);
            if (firstDifference is { } i)
                problems.Add($"{id}: at seq {i + 1} chat.events has {actual[i]}, the commands produced ask for {planned[i]}");
            else if (planned.Count != actual.Count)
                problems.Add($"{id}: chat.events has {actual.Count} positioned events, the commands produced ask for {planned.Count}");
        }
        Report("chat.events against the commands produced", problems);
    }

    /// <summary>One MessageSent per distinct (user, client message id) sent, caused by the first command that sent it.</summary>
    private void CheckMessagesSent()
    {
        var problems = new List<string>();
        var firstSends = scenario.Commands.Where(c => c.Payload is SendMessage)
            .GroupBy(c => (c.ConversationId, c.UserId, ClientMessageId: c.ClientMessageId!))
            .ToDictionary(g => g.Key, g => g.First());
        var sent = outputs.Events.Where(e => e.Value.Payload is MessageSent).ToList();
        if (sent.Count != firstSends.Count)
            problems.Add($"chat.events has {sent.Count} MessageSent; {firstSends.Count} distinct (user, client message id) were sent");
        foreach (var (key, command) in firstSends)
        {
            if (!_sends.TryGetValue(key, out var chatEvent))
                problems.Add($"{key.ConversationId}: no MessageSent for {key.ClientMessageId} of {key.UserId}");
            else if (chatEvent.CommandId != command.CommandId)
                problems.Add($"{key.ConversationId}: {key.ClientMessageId} was sequenced from command {chatEvent.CommandId}, not from its first send {command.CommandId}");
        }
        Report("MessageSent", problems);
    }

    /// <summary>Every resend became exactly one CommandDeduplicated naming the original message; nothing else did.</summary>
    private void CheckDeduplicatedEvents()
    {
        var problems = new List<string>();
        var deduplicated = outputs.Events.Where(e => e.Value.Payload is CommandDeduplicated).ToLookup(e => e.Value.CommandId);
        foreach (var resend in scenario.Resends)
        {
            var found = deduplicated[resend.Command.CommandId].ToList();
            if (found.Count != 1)
            {
                problems.Add($"resend {resend.Command.CommandId} ({resend.Command.ClientMessageId} in {resend.Command.ConversationId}): {found.Count} CommandDeduplicated events");
                continue;
            }
            var duplicate = (CommandDeduplicated)found[0].Value.Payload;
            var original = _sends.GetValueOrDefault((resend.Original.ConversationId, resend.Original.UserId, resend.Original.ClientMessageId!));
            if (original is null || duplicate.OriginalSeq != original.Seq || duplicate.OriginalCommandId != resend.Original.CommandId || duplicate.OriginalEventId != original.EventId)
                problems.Add($"resend {resend.Command.CommandId}: deduplicated to seq {duplicate.OriginalSeq} / command {duplicate.OriginalCommandId}, " +
                             $"but the original is seq {original?.Seq.ToString() ?? "(missing)"} / command {resend.Original.CommandId}");
        }
        var resends = scenario.Resends.Select(r => r.Command.CommandId).ToHashSet();
        foreach (var unexpected in deduplicated.Where(g => !resends.Contains(g.Key)))
            problems.Add($"command {unexpected.Key} was deduplicated but is no resend");
        Report("CommandDeduplicated", problems);
    }

    /// <summary>
    /// Per (edge, user, conversation) the delivered ChatEvents are exactly the seqs of the user's membership, in
    /// order, once each; a user with devices at both edges gets the whole stream at each; nobody else gets any.
    /// </summary>
    private void CheckEventDeliveries()
    {
        var problems = new List<string>();
        var delivered = outputs.Deliveries.Where(d => d.Value.Payload is ChatEvent)
            .GroupBy(d => (Edge: ChatOutputs.EdgeOf(d), User: d.Key, Conversation: ((ChatEvent)d.Value.Payload).ConversationId))
            .ToDictionary(g => g.Key, g => g.ToList());
        var expected = DeliveryExpectations.EventStreams(scenario.Users, Timelines).ToDictionary(e => (Edge: e.EdgeId, User: e.UserId, Conversation: e.ConversationId));

        foreach (var key in expected.Keys.Union(delivered.Keys).OrderBy(k => k.Conversation).ThenBy(k => k.User).ThenBy(k => k.Edge))
        {
            var records = delivered.GetValueOrDefault(key) ?? [];
            RequireOnePartition(problems, Topics.Delivery(key.Edge), key.User, records);
            foreach (var record in records) CheckEventDelivery(problems, record);
            var seqs = records.Select(r => ((ChatEvent)r.Value.Payload).Seq).ToList();
            var wanted = expected.GetValueOrDefault(key)?.Seqs ?? [];
            if (seqs.SequenceEqual(wanted)) continue;
            var membership = Timelines.TryGetValue(key.Conversation, out var timeline) ? timeline.DescribeMembership(key.User) : "unknown conversation";
            problems.Add($"{key.User} at {key.Edge} in {key.Conversation} (member {membership}): {Difference(seqs, wanted)}");
        }
        Report("ChatEvent deliveries", problems);
    }

    private void CheckEventDelivery(List<string> problems, OutputRecord<Delivery> record)
    {
        var delivery = record.Value;
        var chatEvent = (ChatEvent)delivery.Payload;
        if (delivery.UserId != record.Key || delivery.ConversationId != chatEvent.ConversationId || delivery.Seq != chatEvent.Seq || delivery.DeviceId is not null)
            problems.Add($"{record.Topic}@{record.Partition}/{record.Offset}: delivery to {delivery.UserId}/{delivery.DeviceId} under key {record.Key} " +
                         $"for {delivery.ConversationId} seq {delivery.Seq} carries {chatEvent.ConversationId} seq {chatEvent.Seq}");
        if (_eventIds.TryGetValue((chatEvent.ConversationId, chatEvent.Seq), out var eventId) && eventId != chatEvent.EventId)
            problems.Add($"{record.Topic}@{record.Partition}/{record.Offset}: {chatEvent.ConversationId} seq {chatEvent.Seq} is event {chatEvent.EventId}, chat.events has {eventId}");
    }

    /// <summary>Each resend is re-acked exactly once to the device that resent it, at the edge that accepted it.</summary>
    private void CheckCommandOutcomes()
    {
        var problems = new List<string>();
        var outcomes = outputs.Deliveries.Where(d => d.Value.Payload is CommandOutcome).ToLookup(d => ((CommandOutcome)d.Value.Payload).CommandId);
        foreach (var resend in scenario.Resends)
        {
            var command = resend.Command;
            var found = outcomes[command.CommandId].ToList();
            if (found.Count != 1)
            {
                problems.Add($"resend {command.CommandId} of {command.UserId} ({command.DeviceId} at {command.EdgeId}): {found.Count} outcome deliveries " +
                             $"({string.Join(", ", found.Select(f => f.Topic))})");
                continue;
            }
            var record = found[0];
            var outcome = (CommandOutcome)record.Value.Payload;
            var originalSeq = _sends.GetValueOrDefault((resend.Original.ConversationId, resend.Original.UserId, resend.Original.ClientMessageId!))?.Seq;
            if (ChatOutputs.EdgeOf(record) != command.EdgeId || record.Key != command.UserId || record.Value.DeviceId != command.DeviceId
                || record.Value.ConversationId != command.ConversationId || outcome.Status != CommandStatus.Duplicate
                || outcome.ClientMessageId != command.ClientMessageId || outcome.Seq != originalSeq)
                problems.Add($"resend {command.CommandId}: outcome {outcome.Status} seq {outcome.Seq} for {outcome.ClientMessageId} went to {record.Value.UserId}/{record.Value.DeviceId} " +
                             $"at {ChatOutputs.EdgeOf(record)}; expected Duplicate seq {originalSeq?.ToString() ?? "(original missing)"} for {command.ClientMessageId} to {command.UserId}/{command.DeviceId} at {command.EdgeId}");
        }
        var resends = scenario.Resends.Select(r => r.Command.CommandId).ToHashSet();
        foreach (var unexpected in outcomes.Where(g => !resends.Contains(g.Key)))
            problems.Add($"command {unexpected.Key} got {unexpected.Count()} outcome(s) ({string.Join(", ", unexpected.Select(u => ((CommandOutcome)u.Value.Payload).Status))}) but is no resend");
        Report("command outcomes", problems);
    }

    /// <summary>Offline members get one notification per message of someone else from their membership; online users none.</summary>
    private void CheckNotifications()
    {
        var problems = new List<string>();
        var delivered = outputs.Notifications.GroupBy(n => (User: n.Key, Conversation: n.Value.ConversationId)).ToDictionary(g => g.Key, g => g.ToList());
        var expected = DeliveryExpectations.Notifications(scenario.Users, Timelines)
            .GroupBy(n => (User: n.UserId, Conversation: n.ConversationId)).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var key in expected.Keys.Union(delivered.Keys).OrderBy(k => k.Conversation).ThenBy(k => k.User))
        {
            var records = delivered.GetValueOrDefault(key) ?? [];
            RequireOnePartition(problems, Topics.ChatNotifications, key.User, records);
            var wanted = expected.GetValueOrDefault(key) ?? [];
            var seqs = records.Select(r => r.Value.Seq).ToList();
            if (!seqs.SequenceEqual(wanted.Select(w => w.Seq)))
            {
                var membership = Timelines.TryGetValue(key.Conversation, out var timeline) ? timeline.DescribeMembership(key.User) : "unknown conversation";
                var who = scenario.User(key.User).IsOnline ? "online" : "offline";
                problems.Add($"notifications of {who} {key.User} in {key.Conversation} (member {membership}): {Difference(seqs, wanted.Select(w => w.Seq).ToList())}");
                continue;
            }
            foreach (var (record, want) in records.Zip(wanted))
                if (record.Value.UserId != key.User || record.Value.SenderId != want.SenderId)
                    problems.Add($"notification {key.Conversation} seq {want.Seq} to {record.Value.UserId} (key {key.User}) names sender {record.Value.SenderId}, the message is from {want.SenderId}");
        }
        Report("notifications", problems);
    }

    /// <summary>What is wrong with a delivered seq list compared with the expected one, briefly.</summary>
    private static string Difference(IReadOnlyList<long> actual, IReadOnlyList<long> expected)
    {
        var missing = expected.Except(actual).ToList();
        var unexpected = actual.Except(expected).Distinct().ToList();
        var duplicates = actual.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => $"{g.Key}×{g.Count()}").ToList();
        var outOfOrder = actual.Zip(actual.Skip(1)).Where(p => p.Second <= p.First).Select(p => $"{p.Second} after {p.First}").ToList();
        var parts = new List<string> { $"got {actual.Count}, expected {expected.Count}" };
        if (missing.Count > 0) parts.Add($"missing {Brief(missing.Select(m => m.ToString()))}");
        if (unexpected.Count > 0) parts.Add($"unexpected {Brief(unexpected.Select(u => u.ToString()))}");
        if (duplicates.Count > 0) parts.Add($"duplicates {Brief(duplicates)}");
        if (outOfOrder.Count > 0) parts.Add($"out of order {Brief(outOfOrder)}");
        return string.Join("; ", parts);
    }

    private static string Brief(IEnumerable<string> items)
    {
        var list = items.ToList();
        return string.Join(", ", list.Take(10)) + (list.Count > 10 ? $" … ({list.Count} in all)" : "");
    }

    /// <summary>
    /// Order is only defined within a partition: all records of one key must be in one (one per generation of a
    /// rescaled topic: chat.events and chat.events.g2 each hold a conversation in one partition).
    /// </summary>
    private static void RequireOnePartition<T>(List<string> problems, string topic, string key, IEnumerable<OutputRecord<T>> records)
    {
        var partitions = records.Select(r => (r.Topic, r.Partition)).Distinct().ToList();
        if (partitions.Count > partitions.Select(p => p.Topic).Distinct().Count())
            problems.Add($"{topic}: key {key} is spread over partitions {string.Join(", ", partitions.Select(p => $"{p.Topic}[{p.Partition}]"))}");
    }

    private void Report(string check, List<string> problems)
    {
        _problems.AddRange(problems.Take(ShownPerCheck).Select(p => $"[{check}] {p}"));
        if (problems.Count > ShownPerCheck) _problems.Add($"[{check}] … {problems.Count - ShownPerCheck} more");
    }

    private static TimelineEntry? Entry(ChatEvent chatEvent) => chatEvent.Payload switch
    {
        ConversationCreated created => new TimelineEntry(chatEvent.Seq, TimelineKind.Created, chatEvent.UserId,
            string.Join(",", (created.Members ?? []).Order(StringComparer.Ordinal))),
        MemberAdded added => new TimelineEntry(chatEvent.Seq, TimelineKind.MemberAdded, chatEvent.UserId, added.MemberId),
        MemberRemoved removed => new TimelineEntry(chatEvent.Seq, TimelineKind.MemberRemoved, chatEvent.UserId, removed.MemberId),
        MessageSent => new TimelineEntry(chatEvent.Seq, TimelineKind.MessageSent, chatEvent.UserId, chatEvent.ClientMessageId ?? ""),
        _ => null,
    };

    private static string Name(ChatEvent chatEvent) => chatEvent.Payload?.GetType().Name ?? "null";
}
