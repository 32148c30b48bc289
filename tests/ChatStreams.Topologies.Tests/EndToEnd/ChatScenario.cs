using System.Globalization;
using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.EndToEnd;

/// <summary>A device's connection at an edge.</summary>
public sealed record ScenarioDevice(string DeviceId, string EdgeId);

/// <summary>A user and the devices they keep connected; none means offline (reached by push notifications only).</summary>
public sealed record ScenarioUser(string Id, IReadOnlyList<ScenarioDevice> Devices)
{
    public bool IsOnline => Devices.Count > 0;

    public IReadOnlyList<string> Edges => Devices.Select(d => d.EdgeId).Distinct(StringComparer.Ordinal).ToList();
}

/// <summary>A SendMessage that repeats an earlier one (same user, conversation and client message id) under a new command id.</summary>
public sealed record PlannedResend(ChatCommand Command, ChatCommand Original);

/// <summary>
/// The chat traffic of the end-to-end test, generated from a seed: 40 users at two edges (some with a device at each,
/// some offline), 10 conversations (directs, small groups, one group of 30) whose membership changes mid-stream, and
/// 1,500 SendMessage commands interleaved across them, about a tenth of them resends. Alongside the commands it plans
/// what the sequencer must make of them: each conversation's timeline (seq by seq), which the test compares with the
/// chat.events it reads back.
/// </summary>
public sealed class ChatScenario
{
    public const string EdgeOne = "edge-1";
    public const string EdgeTwo = "edge-2";
    public static IReadOnlyList<string> Edges { get; } = [EdgeOne, EdgeTwo];

    private readonly Dictionary<string, ConversationTimeline> _timelines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ScenarioUser> _users = new(StringComparer.Ordinal);
    private readonly List<ChatCommand> _commands = [];
    private readonly List<int> _sequencedBefore = [0];
    private readonly List<PlannedResend> _resends = [];
    private readonly DateTime _now;
    private int _commandNumber;

    private ChatScenario(DateTime now) => _now = now;

    public IReadOnlyCollection<ScenarioUser> Users => _users.Values;

    public ScenarioUser User(string id) => _users[id];

    /// <summary>Every command in the order it is produced (per conversation, the order the sequencer sees).</summary>
    public IReadOnlyList<ChatCommand> Commands => _commands;

    public IReadOnlyList<PlannedResend> Resends => _resends;

    /// <summary>What the sequencer must make of the commands, per conversation.</summary>
    public IReadOnlyDictionary<string, ConversationTimeline> Timelines => _timelines;

    /// <summary>How many positioned events the first <paramref name="commands"/> commands cause.</summary>
    public int SequencedBy(int commands) => _sequencedBefore[commands];

    public int SendCommands => _commands.Count(c => c.Payload is SendMessage);

    /// <summary>One Connect per device of every online user, observed now.</summary>
    public IReadOnlyList<SessionEvent> Connects() =>
        _users.Values.SelectMany(u => u.Devices.Select(d => new SessionEvent
        {
            UserId = u.Id,
            DeviceId = d.DeviceId,
            EdgeId = d.EdgeId,
            ConnectionId = $"conn-{d.DeviceId}",
            Kind = SessionEventKind.Connect,
            At = _now,
        })).ToList();

    /// <param name="extraDirects">More direct conversations between online users (1..30), for tests that need many keys.</param>
    public static ChatScenario Build(int seed, DateTime now, int sendCommands = 1500, double resendShare = 0.1, int extraDirects = 0)
    {
        var scenario = new ChatScenario(now);
        scenario.AddUsers();
        scenario.Generate(new Random(seed), sendCommands, resendShare, extraDirects);
        return scenario;
    }

    private static string UserId(int n) => $"user-{n:D2}";

    private void AddUsers()
    {
        // 1..30 one device each, alternating edges; 31..35 a phone at edge-1 and a laptop at edge-2; 36..40 offline.
        for (var n = 1; n <= 40; n++)
        {
            var id = UserId(n);
            IReadOnlyList<ScenarioDevice> devices = n switch
            {
                <= 30 => [new ScenarioDevice($"{id}-phone", n % 2 == 1 ? EdgeOne : EdgeTwo)],
                <= 35 => [new ScenarioDevice($"{id}-phone", EdgeOne), new ScenarioDevice($"{id}-laptop", EdgeTwo)],
                _ => [],
            };
            _users[id] = new ScenarioUser(id, devices);
        }
    }

    private sealed record ConversationPlan(string Id, ConversationKind Kind, string? Title, string Creator, string[] Members, double Weight);

    /// <summary>A membership command issued once the given share of the sends has been produced.</summary>
    private sealed record MembershipPlan(double At, string ConversationId, string Issuer, string MemberId, bool Adds);

    private static string[] Named(params int[] numbers) => numbers.Select(UserId).ToArray();

    private static string[] UsersBetween(int first, int last) => Enumerable.Range(first, last - first + 1).Select(UserId).ToArray();

    private void Generate(Random random, int sendCommands, double resendShare, int extraDirects)
    {
        ConversationPlan[] conversations =
        [
            new("direct-a", ConversationKind.Direct, null, UserId(1), Named(1, 2), 1.0),
            new("direct-b", ConversationKind.Direct, null, UserId(3), Named(3, 31), 1.0),
            new("direct-c", ConversationKind.Direct, null, UserId(4), Named(4, 36), 1.0),
            new("direct-d", ConversationKind.Direct, null, UserId(32), Named(32, 37), 0.8),
            new("direct-e", ConversationKind.Direct, null, UserId(21), Named(21, 22), 0.8),
            new("group-design", ConversationKind.Group, "Design", UserId(5), Named(5, 6, 7, 8, 33), 1.5),
            new("group-ops", ConversationKind.Group, "Ops", UserId(9), Named(9, 10, 11, 12, 39), 1.5),
            new("group-weekend", ConversationKind.Group, null, UserId(13), Named(13, 14, 34, 35, 40), 1.2),
            new("group-team", ConversationKind.Group, "Team", UserId(15), UsersBetween(15, 20), 1.2),
            // The big group: 30 members, among them two-edge and offline users.
            new("group-all-hands", ConversationKind.Group, "All hands", UserId(1),
                [.. UsersBetween(1, 24), .. UsersBetween(28, 30), .. Named(31, 33, 36)], 4.0),
            .. Enumerable.Range(0, extraDirects).Select(n =>
                new ConversationPlan($"direct-x{n:D3}", ConversationKind.Direct, null, UserId(1 + n % 30), Named(1 + n % 30, 1 + (n / 30 + n + 1) % 30), 0.4)),
        ];
        MembershipPlan[] changes =
        [
            new(0.30, "group-all-hands", UserId(1), UserId(25), Adds: true),   // a late joiner sees from their MemberAdded on
            new(0.35, "group-design", UserId(5), UserId(38), Adds: true),      // an offline late joiner: notifications from then on
            new(0.45, "group-team", UserId(17), UserId(17), Adds: false),      // leaves by themselves
            new(0.55, "group-design", UserId(5), UserId(9), Adds: true),
            new(0.60, "group-ops", UserId(9), UserId(10), Adds: false),        // removed by the admin
            new(0.70, "group-all-hands", UserId(1), UserId(22), Adds: false),
            new(0.80, "group-all-hands", UserId(24), UserId(24), Adds: false),
        ];

        foreach (var plan in conversations)
        {
            var members = plan.Members.Order(StringComparer.Ordinal).ToList();
            Emit(Command(plan.Id, plan.Creator, random, new CreateConversation
            {
                Kind = plan.Kind, Title = plan.Title, Members = plan.Members.Where(m => m != plan.Creator).ToList(),
            }), new TimelineEntry(0, TimelineKind.Created, plan.Creator, string.Join(",", members)), members);
        }

        var weights = conversations.Select(c => c.Weight).ToArray();
        var originals = new List<ChatCommand>();
        var pending = new Queue<MembershipPlan>(changes.OrderBy(c => c.At));
        for (var step = 0; step < sendCommands; step++)
        {
            while (pending.Count > 0 && pending.Peek().At * sendCommands <= step)
            {
                var change = pending.Dequeue();
                ChatCommand command = Command(change.ConversationId, change.Issuer, random,
                    change.Adds ? new AddMember { MemberId = change.MemberId } : new RemoveMember { MemberId = change.MemberId });
                Emit(command, new TimelineEntry(0, change.Adds ? TimelineKind.MemberAdded : TimelineKind.MemberRemoved, change.Issuer, change.MemberId));
            }

            if (originals.Count > 20 && random.NextDouble() < resendShare)
            {
                // A resend of one of the recent sends: sometimes the very last one, sometimes one several messages back.
                var original = originals[originals.Count - 1 - random.Next(Math.Min(40, originals.Count))];
                var resend = Command(original.ConversationId, original.UserId, random, new SendMessage { Body = ((SendMessage)original.Payload).Body },
                    device: Device(original), clientMessageId: original.ClientMessageId);
                _resends.Add(new PlannedResend(resend, original));
                Emit(resend, null);
                continue;
            }

            var conversation = conversations[Pick(random, weights)];
            var timeline = _timelines[conversation.Id];
            var senders = timeline.CurrentMembers.Where(m => _users[m].IsOnline).ToList();
            var sender = senders[random.Next(senders.Count)];
            var clientMessageId = $"{sender}-m{originals.Count + 1:D4}";
            var send = Command(conversation.Id, sender, random,
                new SendMessage { Body = $"message {originals.Count + 1} from {sender} in {conversation.Id}" }, clientMessageId: clientMessageId);
            originals.Add(send);
            Emit(send, new TimelineEntry(0, TimelineKind.MessageSent, sender, clientMessageId));
        }
    }

    /// <summary>Records a command and, when it takes a position, the event the sequencer must give it.</summary>
    private void Emit(ChatCommand command, TimelineEntry? sequenced, IEnumerable<string>? createdMembers = null)
    {
        _commands.Add(command);
        if (sequenced is not null)
        {
            if (!_timelines.TryGetValue(command.ConversationId, out var timeline))
                _timelines[command.ConversationId] = timeline = new ConversationTimeline(command.ConversationId);
            timeline.Append(sequenced with { Seq = timeline.LastSeq + 1 }, createdMembers);
        }
        _sequencedBefore.Add(_sequencedBefore[^1] + (sequenced is null ? 0 : 1));
    }

    private ScenarioDevice Device(ChatCommand command) => _users[command.UserId].Devices.Single(d => d.DeviceId == command.DeviceId);

    private ChatCommand Command(string conversationId, string userId, Random random, object payload, ScenarioDevice? device = null, string? clientMessageId = null)
    {
        // A user with a device at each edge issues commands from either.
        var devices = _users[userId].Devices;
        device ??= devices[random.Next(devices.Count)];
        return new ChatCommand
        {
            CommandId = $"cmd-{++_commandNumber:D5}",
            ConversationId = conversationId,
            UserId = userId,
            DeviceId = device.DeviceId,
            EdgeId = device.EdgeId,
            ClientMessageId = clientMessageId ?? $"{userId}-c{_commandNumber.ToString(CultureInfo.InvariantCulture)}",
            IssuedAt = _now,
            Payload = payload,
        };
    }

    private static int Pick(Random random, double[] weights)
    {
        var roll = random.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            roll -= weights[i];
            if (roll < 0) return i;
        }
        return weights.Length - 1;
    }
}
